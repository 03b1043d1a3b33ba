"""Back Stretch Coach as an Alexa custom skill: ask-sdk-core handlers behind a Flask endpoint."""
