"""The baseline of the load benchmark: the smallest Flask app, served with the same gunicorn settings.

What it answers per second is what the server, the network stack and Flask itself allow on the
machine at that moment; bench/load.py divides every page's figure by it.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
