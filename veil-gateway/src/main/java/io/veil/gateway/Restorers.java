package io.veil.gateway;

import io.veil.core.RestoreFormat;
import io.veil.core.StreamingRestorer;

/** Restoring in one request's scope, whole or streamed. */
interface Restorers {
  String restore(String text, RestoreFormat format);

  StreamingRestorer streaming(RestoreFormat format);
}
