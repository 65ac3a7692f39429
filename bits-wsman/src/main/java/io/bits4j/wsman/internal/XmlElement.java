package io.bits4j.wsman.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.namespace.QName;
import org.jspecify.annotations.Nullable;

/**
 * A small XML element tree: name, attributes, child elements and text. Parsed envelopes are
 * turned into these (bounded in size and depth by {@link XmlCodec}); responses are built from them.
 * Not thread-safe while being built; treat a parsed tree as read-only.
 */
public final class XmlElement {
  private final String namespace;
  private final String localName;
  private final Map<QName, String> attributes = new LinkedHashMap<>();
  private final List<XmlElement> children = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private final List<String> declare = new ArrayList<>();

  public XmlElement(String namespace, String localName) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.localName = Objects.requireNonNull(localName, "localName");
  }

  public static XmlElement of(String namespace, String localName) {
    return new XmlElement(namespace, localName);
  }

  public String namespace() {
    return namespace;
  }

  public String localName() {
    return localName;
  }

  public boolean is(String ns, String name) {
    return namespace.equals(ns) && localName.equals(name);
  }

  public Map<QName, String> attributes() {
    return attributes;
  }

  public List<XmlElement> children() {
    return children;
  }

  /** The text content directly inside this element (not its children's). */
  public String text() {
    return text.toString();
  }

  public XmlElement attr(String ns, String name, String value) {
    attributes.put(new QName(ns, name), value);
    return this;
  }

  public XmlElement attr(String name, String value) {
    return attr("", name, value);
  }

  public @Nullable String attribute(String ns, String name) {
    return attributes.get(new QName(ns, name));
  }

  public @Nullable String attribute(String name) {
    return attribute("", name);
  }

  /** Asks the writer to declare these namespaces on this element (for QName-valued text). */
  public XmlElement declare(String... namespaces) {
    declare.addAll(List.of(namespaces));
    return this;
  }

  List<String> declared() {
    return declare;
  }

  public XmlElement text(String value) {
    text.append(value);
    return this;
  }

  public XmlElement add(XmlElement child) {
    children.add(child);
    return this;
  }

  /** Adds and returns a new child. */
  public XmlElement child(String ns, String name) {
    XmlElement c = new XmlElement(ns, name);
    children.add(c);
    return c;
  }

  /** Adds a child with text and returns this element. */
  public XmlElement leaf(String ns, String name, String value) {
    children.add(new XmlElement(ns, name).text(value));
    return this;
  }

  public Optional<XmlElement> first(String ns, String name) {
    for (XmlElement c : children) {
      if (c.is(ns, name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public List<XmlElement> all(String ns, String name) {
    List<XmlElement> out = new ArrayList<>();
    for (XmlElement c : children) {
      if (c.is(ns, name)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Children with this local name in any namespace (WMI property lookup is by name). */
  public List<XmlElement> allNamed(String name) {
    List<XmlElement> out = new ArrayList<>();
    for (XmlElement c : children) {
      if (c.localName.equalsIgnoreCase(name)) {
        out.add(c);
      }
    }
    return out;
  }

  public Optional<XmlElement> firstNamed(String name) {
    for (XmlElement c : children) {
      if (c.localName.equalsIgnoreCase(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** True if {@code xsi:nil="true"}. */
  public boolean isNil() {
    String v = attribute(Ns.XSI, "nil");
    return v != null && (v.strip().equals("true") || v.strip().equals("1"));
  }

  @Override
  public String toString() {
    return "{" + namespace + "}" + localName;
  }
}
