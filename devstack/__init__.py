"""The local stack: an embedded AWS (moto server), the Lambda runner and the three services on 127.0.0.1."""
