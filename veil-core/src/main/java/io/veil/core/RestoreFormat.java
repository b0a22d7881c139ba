package io.veil.core;

/**
 * How restored values are written into the text they are restored into.
 *
 * <p><b>Security:</b> restoring into JSON with {@link #TEXT} lets an original value containing a
 * quote break out of its string and change the document; use {@link #JSON_STRING} for text that is
 * the inside of a JSON string literal (for example streamed tool-call arguments).
 */
public enum RestoreFormat {
  /** Plain text: values are inserted as they are. */
  TEXT,
  /** The content of a JSON string literal: values are JSON-escaped before insertion. */
  JSON_STRING
}
