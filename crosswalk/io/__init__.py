"""Reading and writing files.

Data paths, the atomic writer, YAML, the data grammar, catalogues, canonical form, inventories and
the cache.
"""
