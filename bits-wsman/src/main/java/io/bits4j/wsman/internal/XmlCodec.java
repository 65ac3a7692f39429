package io.bits4j.wsman.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLResolver;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * Reads and writes {@link XmlElement} trees with the JDK's StAX, safely: DTDs and external
 * entities are refused (a document with a DOCTYPE or an entity reference is rejected, nothing is
 * expanded or fetched), and trees are bounded in depth and element count. Thread-safe.
 */
public final class XmlCodec {
  /** Deepest element nesting accepted. */
  public static final int MAX_DEPTH = 48;
  /** Most elements accepted in one document. */
  public static final int MAX_ELEMENTS = 50_000;

  private static final XMLInputFactory INPUT = newInputFactory();
  private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

  /** Prefixes used when writing, by namespace. */
  private static final Map<String, String> PREFIXES = Map.ofEntries(
      Map.entry(Ns.SOAP, "s"),
      Map.entry(Ns.WSA, "a"),
      Map.entry(Ns.WSMAN, "w"),
      Map.entry(Ns.WSMV, "m"),
      Map.entry(Ns.WSEN, "n"),
      Map.entry(Ns.WST, "x"),
      Map.entry(Ns.WSMID, "wsmid"),
      Map.entry(Ns.WSMANFAULT, "f"),
      Map.entry(Ns.CIM, "cim"),
      Map.entry(Ns.XSI, "xsi"),
      Map.entry(Ns.JOB_URI, "p"),
      Map.entry(Ns.URL_GROUP_URI, "p"),
      Map.entry(Ns.FILE_URI, "q"));

  private XmlCodec() {}

  /** Raised for input that is not acceptable XML. */
  public static final class BadXmlException extends Exception {
    private static final long serialVersionUID = 1L;

    BadXmlException(String message) {
      super(message);
    }
  }

  private static XMLInputFactory newInputFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    XMLResolver refuse = (publicId, systemId, baseUri, ns) -> {
      throw new XMLStreamException("external entities are not allowed: " + systemId);
    };
    f.setXMLResolver(refuse);
    trySet(f, XMLConstants.ACCESS_EXTERNAL_DTD, "");
    trySet(f, XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    trySet(f, "jdk.xml.entityExpansionLimit", "1");
    trySet(f, "jdk.xml.maxElementDepth", Integer.toString(MAX_DEPTH + 1));
    return f;
  }

  private static void trySet(XMLInputFactory f, String name, Object value) {
    try {
      f.setProperty(name, value);
    } catch (IllegalArgumentException ignored) {
      // a StAX implementation without this property: the event checks below still refuse DTDs
    }
  }

  /**
   * Parses a document into a tree.
   *
   * @throws BadXmlException for malformed XML, a DTD, an entity reference, or a document over the
   *     depth or element limits
   */
  public static XmlElement parse(byte[] document) throws BadXmlException {
    return parse(new java.io.StringReader(decode(document)));
  }

  private static final java.util.regex.Pattern DECLARED_ENCODING =
      java.util.regex.Pattern.compile("<\\?xml[^>]*?\\sencoding\\s*=\\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']");

  /**
   * The document's characters, decoded strictly: by its byte-order mark, else by the zero bytes of
   * UTF-16 around its first {@code <}, else by its XML declaration's encoding, else as UTF-8 (XML
   * 1.0, appendix F). The parser gets characters, not bytes: on malformed bytes the JDK's StAX
   * parser prints {@code [Fatal Error]} lines to the process's standard error besides throwing.
   *
   * @throws BadXmlException for bytes that are not valid in that encoding, or an unknown encoding
   */
  static String decode(byte[] d) throws BadXmlException {
    java.nio.charset.Charset cs;
    int skip = 0;
    if (d.length >= 3 && d[0] == (byte) 0xEF && d[1] == (byte) 0xBB && d[2] == (byte) 0xBF) {
      cs = StandardCharsets.UTF_8;
      skip = 3;
    } else if (d.length >= 2 && d[0] == (byte) 0xFE && d[1] == (byte) 0xFF) {
      cs = StandardCharsets.UTF_16BE;
      skip = 2;
    } else if (d.length >= 2 && d[0] == (byte) 0xFF && d[1] == (byte) 0xFE) {
      cs = StandardCharsets.UTF_16LE;
      skip = 2;
    } else if (d.length >= 2 && d[0] == 0 && d[1] == '<') {
      cs = StandardCharsets.UTF_16BE;
    } else if (d.length >= 2 && d[0] == '<' && d[1] == 0) {
      cs = StandardCharsets.UTF_16LE;
    } else {
      cs = StandardCharsets.UTF_8;
      String head = new String(d, 0, Math.min(d.length, 256), StandardCharsets.ISO_8859_1);
      java.util.regex.Matcher m = DECLARED_ENCODING.matcher(head);
      if (head.startsWith("<?xml") && m.find()) {
        try {
          cs = java.nio.charset.Charset.forName(m.group(1));
        } catch (IllegalArgumentException e) {
          throw new BadXmlException("unsupported encoding " + m.group(1));
        }
      }
    }
    try {
      return cs.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(d, skip, d.length - skip)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadXmlException("the document is not valid " + cs.name());
    }
  }

  private static XmlElement parse(java.io.Reader in) throws BadXmlException {
    XMLStreamReader r = null;
    try {
      r = INPUT.createXMLStreamReader(in);
      Deque<XmlElement> stack = new ArrayDeque<>();
      XmlElement root = null;
      int elements = 0;
      while (r.hasNext()) {
        int ev = r.next();
        switch (ev) {
          case XMLStreamConstants.DTD:
            throw new BadXmlException("DTDs are not allowed");
          case XMLStreamConstants.ENTITY_REFERENCE:
          case XMLStreamConstants.ENTITY_DECLARATION:
          case XMLStreamConstants.NOTATION_DECLARATION:
            throw new BadXmlException("entity references are not allowed");
          case XMLStreamConstants.START_ELEMENT: {
            if (++elements > MAX_ELEMENTS) {
              throw new BadXmlException("more than " + MAX_ELEMENTS + " elements");
            }
            if (stack.size() >= MAX_DEPTH) {
              throw new BadXmlException("elements nested deeper than " + MAX_DEPTH);
            }
            String ns = r.getNamespaceURI();
            XmlElement e = new XmlElement(ns == null ? "" : ns, r.getLocalName());
            for (int i = 0; i < r.getAttributeCount(); i++) {
              QName q = r.getAttributeName(i);
              e.attributes().put(new QName(q.getNamespaceURI() == null ? "" : q.getNamespaceURI(), q.getLocalPart()),
                  r.getAttributeValue(i));
            }
            if (stack.isEmpty()) {
              if (root != null) {
                throw new BadXmlException("more than one root element");
              }
              root = e;
            } else {
              stack.peek().add(e);
            }
            stack.push(e);
            break;
          }
          case XMLStreamConstants.END_ELEMENT:
            stack.pop();
            break;
          case XMLStreamConstants.CHARACTERS:
          case XMLStreamConstants.CDATA:
          case XMLStreamConstants.SPACE:
            if (!stack.isEmpty()) {
              stack.peek().text(r.getText());
            }
            break;
          default:
            break; // comments, processing instructions, start/end document
        }
      }
      if (root == null) {
        throw new BadXmlException("no root element");
      }
      return root;
    } catch (XMLStreamException | RuntimeException e) {
      // RuntimeException: some StAX implementations signal limit violations unchecked
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new BadXmlException("malformed XML: " + firstLine(m));
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing to release
        }
      }
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String t = nl < 0 ? s : s.substring(0, nl);
    return t.length() > 200 ? t.substring(0, 200) : t;
  }

  /** Serialises a tree as UTF-8 with an XML declaration. */
  public static byte[] write(XmlElement root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try {
      XMLStreamWriter w = OUTPUT.createXMLStreamWriter(out, "UTF-8");
      w.writeStartDocument("UTF-8", "1.0");
      writeElement(w, root, new HashMap<>(), new int[1]);
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write XML", e);
    }
    return out.toByteArray();
  }

  /** Serialises a tree to a string (for tests and logs). */
  public static String toString(XmlElement root) {
    return new String(write(root), StandardCharsets.UTF_8);
  }

  private static void writeElement(XMLStreamWriter w, XmlElement e, Map<String, String> inScope, int[] counter)
      throws XMLStreamException {
    Map<String, String> declared = new LinkedHashMap<>();
    Map<String, String> scope = new HashMap<>(inScope);
    String prefix = prefixFor(e.namespace(), scope, declared, counter);
    for (String ns : e.declared()) {
      prefixFor(ns, scope, declared, counter);
    }
    if (e.namespace().isEmpty()) {
      w.writeStartElement(e.localName());
    } else {
      w.writeStartElement(prefix, e.localName(), e.namespace());
    }
    Map<QName, String> attrPrefixed = new LinkedHashMap<>();
    for (Map.Entry<QName, String> a : e.attributes().entrySet()) {
      String ans = a.getKey().getNamespaceURI();
      if (!ans.isEmpty() && !ans.equals(Ns.XML)) {
        prefixFor(ans, scope, declared, counter);
      }
      attrPrefixed.put(a.getKey(), a.getValue());
    }
    for (Map.Entry<String, String> d : declared.entrySet()) {
      w.writeNamespace(d.getValue(), d.getKey());
    }
    for (Map.Entry<QName, String> a : attrPrefixed.entrySet()) {
      String ans = a.getKey().getNamespaceURI();
      if (ans.isEmpty()) {
        w.writeAttribute(a.getKey().getLocalPart(), xmlSafe(a.getValue()));
      } else if (ans.equals(Ns.XML)) {
        w.writeAttribute("xml", Ns.XML, a.getKey().getLocalPart(), a.getValue());
      } else {
        w.writeAttribute(scope.get(ans), ans, a.getKey().getLocalPart(), a.getValue());
      }
    }
    if (!e.text().isEmpty()) {
      w.writeCharacters(xmlSafe(e.text()));
    }
    for (XmlElement c : e.children()) {
      writeElement(w, c, scope, counter);
    }
    w.writeEndElement();
  }

  /**
   * Replaces what XML 1.0 cannot carry (control characters other than tab, LF and CR; unpaired
   * surrogates; U+FFFE and U+FFFF) with U+FFFD, so that any Java string can be written.
   */
  static String xmlSafe(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (Character.isHighSurrogate(c)) {
        ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        if (ok) {
          if (out != null) {
            out.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else if (Character.isLowSurrogate(c)) {
        ok = false;
      } else {
        ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
      }
      if (!ok && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(ok ? c : '\uFFFD');
      }
    }
    return out == null ? s : out.toString();
  }

  private static String prefixFor(String ns, Map<String, String> scope, Map<String, String> declared, int[] counter) {
    if (ns.isEmpty()) {
      return "";
    }
    String p = scope.get(ns);
    if (p != null) {
      return p;
    }
    p = PREFIXES.get(ns);
    if (p == null || scope.containsValue(p)) {
      p = "ns" + counter[0]++;
    }
    scope.put(ns, p);
    declared.put(ns, p);
    return p;
  }
}
