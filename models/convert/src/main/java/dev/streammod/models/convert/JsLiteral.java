package dev.streammod.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parses a JavaScript object literal as minifiers write it (the form nsfwjs ships its Keras
 * topology in): JSON plus unquoted keys, single-quoted strings, numbers such as {@code .5} or
 * {@code -.25}, and {@code !0} / {@code !1} for true / false. Nothing is evaluated: anything else
 * (identifiers, calls, expressions) is refused with the offset where it was found.
 */
final class JsLiteral {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String s;
  private int pos;

  private JsLiteral(String s, int pos) {
    this.s = s;
    this.pos = pos;
  }

  /** Parses the value that starts at {@code start}; trailing text is ignored. */
  static JsonNode parseAt(String source, int start) {
    JsLiteral p = new JsLiteral(source, start);
    return p.value();
  }

  /** Parses the whole string as one value (surrounding whitespace allowed). */
  static JsonNode parse(String source) {
    JsLiteral p = new JsLiteral(source, 0);
    JsonNode v = p.value();
    p.skipSpace();
    if (p.pos != source.length()) {
      throw p.error("unexpected text after the value");
    }
    return v;
  }

  private JsonNode value() {
    skipSpace();
    if (pos >= s.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
      case '\'':
        return NODES.textNode(string());
      case '!':
        if (s.startsWith("!0", pos) || s.startsWith("!1", pos)) {
          boolean v = s.charAt(pos + 1) == '0';
          pos += 2;
          return NODES.booleanNode(v);
        }
        throw error("unsupported expression starting with '!'");
      default:
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
          return number();
        }
        String word = identifier();
        switch (word) {
          case "true":
            return NODES.booleanNode(true);
          case "false":
            return NODES.booleanNode(false);
          case "null":
            return NODES.nullNode();
          case "NaN":
            return NODES.numberNode(Double.NaN);
          case "Infinity":
            return NODES.numberNode(Double.POSITIVE_INFINITY);
          default:
            throw error("unsupported identifier '" + word + "' where a value was expected");
        }
    }
  }

  private ObjectNode object() {
    ObjectNode o = NODES.objectNode();
    pos++; // '{'
    skipSpace();
    if (peek() == '}') {
      pos++;
      return o;
    }
    while (true) {
      skipSpace();
      char c = peek();
      String key;
      if (c == '"' || c == '\'') {
        key = string();
      } else if (c >= '0' && c <= '9') {
        key = number().asText();
      } else {
        key = identifier();
      }
      skipSpace();
      expect(':');
      o.set(key, value());
      skipSpace();
      char next = peek();
      pos++;
      if (next == '}') {
        return o;
      }
      if (next != ',') {
        pos--;
        throw error("expected ',' or '}' in an object");
      }
      skipSpace();
      if (peek() == '}') { // trailing comma
        pos++;
        return o;
      }
    }
  }

  private ArrayNode array() {
    ArrayNode a = NODES.arrayNode();
    pos++; // '['
    skipSpace();
    if (peek() == ']') {
      pos++;
      return a;
    }
    while (true) {
      a.add(value());
      skipSpace();
      char next = peek();
      pos++;
      if (next == ']') {
        return a;
      }
      if (next != ',') {
        pos--;
        throw error("expected ',' or ']' in an array");
      }
      skipSpace();
      if (peek() == ']') {
        pos++;
        return a;
      }
    }
  }

  private String string() {
    char quote = s.charAt(pos++);
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == quote) {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case 'n':
          b.append('\n');
          break;
        case 't':
          b.append('\t');
          break;
        case 'r':
          b.append('\r');
          break;
        case 'b':
          b.append('\b');
          break;
        case 'f':
          b.append('\f');
          break;
        case 'v':
          b.append('\u000B');
          break;
        case '0':
          b.append('\0');
          break;
        case 'x':
          b.append((char) Integer.parseInt(take(2), 16));
          break;
        case 'u':
          b.append((char) Integer.parseInt(take(4), 16));
          break;
        default:
          b.append(e); // \" \' \\ \/ and any other escaped character stand for themselves
      }
    }
  }

  private String take(int n) {
    if (pos + n > s.length()) {
      throw error("truncated escape");
    }
    String t = s.substring(pos, pos + n);
    pos += n;
    return t;
  }

  private JsonNode number() {
    int start = pos;
    if (peek() == '-' || peek() == '+') {
      pos++;
    }
    boolean fraction = false;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E') {
        fraction = true;
        pos++;
        if ((c == 'e' || c == 'E') && pos < s.length() && "+-".indexOf(s.charAt(pos)) >= 0) {
          pos++;
        }
      } else {
        break;
      }
    }
    String text = s.substring(start, pos);
    try {
      if (!fraction) {
        long v = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        if (v == 0 && text.startsWith("-")) {
          return NODES.numberNode(-0.0);
        }
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
      }
      return NODES.numberNode(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("malformed number '" + text + "'");
    }
  }

  private String identifier() {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
        pos++;
      } else {
        break;
      }
    }
    if (start == pos) {
      throw error("unexpected character '" + s.charAt(pos) + "'");
    }
    return s.substring(start, pos);
  }

  private void skipSpace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    return s.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String what) {
    int from = Math.max(0, pos - 30);
    int to = Math.min(s.length(), pos + 30);
    return new IllegalArgumentException(
        "JavaScript literal: "
            + what
            + " at offset "
            + pos
            + " near '"
            + s.substring(from, to).replace('\n', ' ')
            + "'");
  }
}
