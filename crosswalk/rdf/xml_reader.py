"""RDF/XML read in linear time: rdflib's parser, fed text in large pieces.

rdflib builds a literal by adding each piece of character data the XML parser reports
to the text so far. Expat reports a piece per line and per character reference, so a
literal of many short lines was copied again for every line: quadratic (200,000 lines
took 7 s, a 50 MB file would never finish). With expat's text buffering on, the pieces
reach rdflib joined up to :data:`TEXT_BUFFER` characters, so the copying is linear.

:func:`register` makes this parser available to ``Graph.parse`` as :data:`FORMAT`.
"""

from __future__ import annotations

from typing import Any

from rdflib import plugin
from rdflib.parser import InputSource, Parser
from rdflib.plugins.parsers.rdfxml import RDFXMLParser, create_parser

__all__ = ["FORMAT", "TEXT_BUFFER", "BufferedRDFXMLParser", "register"]

FORMAT = "crosswalk-rdfxml"
"""The name ``Graph.parse`` knows this parser by once registered."""

TEXT_BUFFER = 1 << 20
"""Characters expat gathers before it reports character data."""


class BufferedRDFXMLParser(RDFXMLParser):
    """rdflib's RDF/XML parser with expat's text buffering on."""

    def parse(self, source: InputSource, sink: Any, **args: Any) -> None:
        """Parse ``source`` into ``sink`` as rdflib's parser does, buffering text."""
        reader: Any = create_parser(source, sink)
        reset = reader.reset

        def buffered_reset() -> None:
            # the SAX reader makes its expat parser anew in reset(), just before parsing
            reset()
            reader._parser.buffer_text = True
            reader._parser.buffer_size = TEXT_BUFFER

        reader.reset = buffered_reset
        if args.get("preserve_bnode_ids") is not None:
            reader.getContentHandler().preserve_bnode_ids = args["preserve_bnode_ids"]
        self._parser = reader
        reader.parse(source)


def register() -> None:
    """Make the parser available to ``Graph.parse(format=FORMAT)`` (idempotent)."""
    plugin.register(FORMAT, Parser, __name__, BufferedRDFXMLParser.__name__)
