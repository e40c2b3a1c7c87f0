"""The curriculum index: reading documents, chunking, Chroma storage, hybrid retrieval."""
