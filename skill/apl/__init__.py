"""Echo Show screens: APL documents (JSON files here), the figures as vector graphics, and
the data each turn shows through the documents' datasources."""
