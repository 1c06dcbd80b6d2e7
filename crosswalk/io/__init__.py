"""Reading and writing files: data paths, the atomic writer, YAML, the data grammar,
catalogues, canonical form, inventories and the cache."""
