"""Search through the API: posts best first with people on page 1, refusals as 400s."""


def test_search_finds_posts_and_people(client, make_user, make_post, bearer):
    john = make_user("john", about_me="I love gardening")
    susan = make_user("susan")
    make_post(susan, "tomatoes in my garden")
    make_post(john, "nothing to see")
    make_post(susan, "garden party tonight")
    headers = bearer(john)
    page = client.get("/api/search?q=garden", headers=headers).json
    assert sorted(item["body"] for item in page["items"]) == ["garden party tonight", "tomatoes in my garden"]
    assert [person["username"] for person in page["people"]] == ["john"]
    assert page["_meta"] == {"page": 1, "per_page": 10, "total_items": 2, "total_pages": 1}
    second = client.get("/api/search?q=garden&per_page=1", headers=headers).json
    assert len(second["items"]) == 1 and second["_links"]["next"] == "/api/search?q=garden&page=2&per_page=1"
    assert client.get(second["_links"]["next"], headers=headers).json["people"] == []


def test_malformed_searches_are_400s_naming_q_and_empty_ones_422s(client, make_user, bearer):
    headers = bearer(make_user("john"))
    for q in ["x" * 500, "bell\x07"]:
        response = client.get("/api/search", query_string={"q": q}, headers=headers)
        assert response.status_code == 400 and "q" in response.json["errors"], q
    for q in ["-only", "  ", " ".join(f"w{n}" for n in range(40))]:
        response = client.get("/api/search", query_string={"q": q}, headers=headers)
        assert response.status_code == 422 and response.json["description"], q
    assert client.get("/api/search", headers=headers).status_code == 400
    assert client.get("/api/search?q=garden").status_code == 401
