"""The XMP metadata docgen writes and edits: the packet's own, and the PDF/UA identification of
each PDF (kept, with the extension schema PDF/A asks for it, only while the checker passes it).

LibreOffice 7.4 writes ``pdfuaid:part`` without declaring its schema, which PDF/A-2 and -3 require
of every property outside the predefined schemas (ISO 19005-3, 6.6.2.3.1); docgen adds the
declaration when it keeps the claim, and removes the claim when the PDF fails PDF/UA-1.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"

#: the extension schema of ``pdfuaid`` (ISO 14289-1, 5: its schema, declared for PDF/A)
PDFUA_EXTENSION = """  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
"""

_PDFUA_DESCRIPTION = re.compile(
    r"[ \t]*<rdf:Description[^>]*xmlns:pdfuaid=\"http://www\.aiim\.org/pdfua/ns/id/\"[^>]*>"
    r".*?</rdf:Description>\n?", re.S)
_EXTENSION = re.compile(r"[ \t]*<rdf:Description[^>]*xmlns:pdfaExtension=.*?</rdf:Description>\n?",
                        re.S)


def claims_pdfua(xmp: str) -> bool:
    """Whether the XMP ``xmp`` identifies its PDF as PDF/UA."""
    return "<pdfuaid:part>" in xmp or "pdfuaid:part=" in xmp


def without_pdfua(xmp: str) -> str:
    """``xmp`` with no PDF/UA identification (and no schema declared for it)."""
    out = _PDFUA_DESCRIPTION.sub("", xmp)
    out = re.sub(r"\s*pdfuaid:part=\"\d+\"", "", out)
    return _EXTENSION.sub(lambda m: "" if "pdfua/ns/id" in m.group(0) else m.group(0), out)


def with_pdfua_schema(xmp: str) -> str:
    """``xmp`` with the pdfuaid schema declared (once), for PDF/A."""
    if "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp:
        return xmp
    at = xmp.rfind("</rdf:RDF>")
    return xmp if at < 0 else xmp[:at] + PDFUA_EXTENSION + xmp[at:]


def packet_xmp(*, title: str, subject: str, keywords: str, author: str, creator: str,
               producer: str, date: str, lang: str) -> str:
    """The packet's XMP: its title, description and dates (as its document info says them),
    PDF/A-3b, and PDF/UA-1 (taken away again if the checker fails the packet)."""
    def e(text: str) -> str:
        return escape(text)

    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{e(lang)}</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{e(producer)}</pdf:Producer>
   <pdf:Keywords>{e(keywords)}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{e(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
{PDFUA_EXTENSION} </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
