"""Private messages and notifications through the API: only the two people see a conversation."""

import sqlalchemy as sa

from app.extensions import db
from app.models import ConversationMember, Message


def test_sending_answers_201_and_the_recipient_sees_it(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    response = client.post(f"/api/conversations/{susan.id}/messages", json={"body": " hello susan "},
                           headers=bearer(john))
    assert response.status_code == 201
    message = db.session.scalar(sa.select(Message))
    assert response.json == {
        "id": message.id, "body": "hello susan", "timestamp": message.timestamp.isoformat(),
        "sender": {"id": john.id, "username": "john", "_links": response.json["sender"]["_links"]},
        "recipient": {"id": susan.id, "username": "susan", "_links": response.json["recipient"]["_links"]},
    }
    conversations = client.get("/api/conversations", headers=bearer(susan)).json
    assert [(item["other"]["username"], item["unread_count"], item["last_message"]["body"])
            for item in conversations["items"]] == [("john", 1, "hello susan")]
    assert conversations["items"][0]["_links"] == {"messages": f"/api/conversations/{john.id}/messages"}


def test_a_thread_pages_by_id_and_marking_it_read_clears_the_count(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    sent = [Message.send(john, susan, f"message {n}") for n in range(5)]
    db.session.commit()
    headers = bearer(susan)
    newest = client.get(f"/api/conversations/{john.id}/messages?limit=3", headers=headers).json
    assert [item["body"] for item in newest["items"]] == ["message 4", "message 3", "message 2"]
    older = client.get(newest["_links"]["next"], headers=headers).json
    assert [item["body"] for item in older["items"]] == ["message 1", "message 0"]
    after = client.get(f"/api/conversations/{john.id}/messages?after={sent[2].id}", headers=headers).json
    assert [item["body"] for item in after["items"]] == ["message 3", "message 4"]
    assert client.post(f"/api/conversations/{john.id}/read", headers=headers, csrf=False).status_code == 204
    side = ConversationMember.find(susan, john)
    db.session.refresh(side)
    assert side.unread_count == 0
    db.session.refresh(susan)
    assert susan.unread_message_count == 0


def test_a_conversation_is_hidden_from_everyone_else(client, make_user, bearer):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    Message.send(john, susan, "a secret")
    db.session.commit()
    headers = bearer(mary)
    assert client.get(f"/api/conversations/{john.id}/messages", headers=headers).status_code == 404
    assert client.post(f"/api/conversations/{john.id}/read", headers=headers, csrf=False).status_code == 404
    assert client.get("/api/conversations", headers=headers).json["items"] == []
    assert "a secret" not in client.get("/api/notifications", headers=headers).get_data(as_text=True)


def test_refused_messages(client, make_user, bearer):
    john = make_user("john")
    headers = bearer(john)
    to_self = client.post(f"/api/conversations/{john.id}/messages", json={"body": "me"}, headers=headers)
    assert to_self.status_code == 422 and to_self.json["code"] == 422
    assert client.post("/api/conversations/999/messages", json={"body": "hi"}, headers=headers).status_code == 404
    susan = make_user("susan")
    for body in [{"body": ""}, {"body": "x" * 2001}, {"body": "\x00"}, {}]:
        response = client.post(f"/api/conversations/{susan.id}/messages", json=body, headers=headers)
        assert response.status_code == 400 and "body" in response.json["errors"], body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_notifications_after_an_id(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    Message.send(john, susan, "one")
    db.session.commit()
    headers = bearer(susan)
    first = client.get("/api/notifications", headers=headers).json
    assert [(item["name"], item["data"]) for item in first] == [("unread_message_count", 1)]
    assert client.get(f"/api/notifications?after={first[-1]['id']}", headers=headers).json == []
    Message.send(john, susan, "two")
    db.session.commit()
    later = client.get(f"/api/notifications?after={first[-1]['id']}", headers=headers).json
    assert [(item["name"], item["data"]) for item in later] == [("unread_message_count", 2)]
    assert client.get("/api/notifications?after=-5", headers=headers).status_code == 400
