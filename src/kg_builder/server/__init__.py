"""Server: the SPARQL 1.1 endpoint and Linked Data front of the built store."""
