package io.veil.core.ner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A trained linear-chain tagger: hashed feature weights per tag (16-bit fixed point), tag-transition
 * weights, and exact first-order Viterbi decoding under the BIO constraint (an inside tag only after
 * the begin or inside tag of its own type). Tags: 0 = O, then B/I pairs for each of
 * {@link ModelFeatures#TYPES}.
 *
 * <p>File format (gzip): magic {@code VEILNER1}, feature-template version, hash bits, tag count,
 * weight scale, transitions ({@code (tags+1) * tags} floats, the last row is the start), then
 * {@code 2^bits * tags} shorts. Gzip is written with a zero time stamp, so the same weights give
 * the same bytes.
 *
 * <p>Immutable after construction and thread-safe; {@link #decode} allocates only its own arrays.
 */
final class SequenceModel {
  static final String MAGIC = "VEILNER1";
  static final int TAGS = 1 + 2 * ModelFeatures.TYPES.length;

  final int bits;
  final float scale;
  final short[] weights;
  final float[] transitions;

  SequenceModel(int bits, float scale, short[] weights, float[] transitions) {
    if (weights.length != (1 << bits) * TAGS || transitions.length != (TAGS + 1) * TAGS) {
      throw new IllegalArgumentException("model arrays do not match its size");
    }
    this.bits = bits;
    this.scale = scale;
    this.weights = weights;
    this.transitions = transitions;
  }

  /** Quantizes float weights to 16 bits (largest magnitude maps to 32767). */
  static SequenceModel quantize(int bits, float[] w, float[] transitions) {
    float max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    float scale = max == 0 ? 1f : max / 32767f;
    short[] q = new short[w.length];
    for (int i = 0; i < w.length; i++) {
      q[i] = (short) Math.round(w[i] / scale);
    }
    return new SequenceModel(bits, scale, q, transitions.clone());
  }

  static boolean allowed(int prev, int tag) {
    // I-x (even tags >= 2) must follow B-x or I-x of the same type
    if (tag == 0 || (tag & 1) == 1) {
      return true;
    }
    return prev == tag || prev == tag - 1;
  }

  /**
   * Best tag sequence for {@code n} tokens whose features are {@code feats[t * PER_TOKEN ...]}.
   * {@code emissions} must hold at least {@code n * TAGS} floats (scratch space).
   */
  int[] decode(int[] feats, int n, float[] emissions) {
    int per = ModelFeatures.PER_TOKEN;
    short[] w = weights;
    for (int t = 0; t < n; t++) {
      int base = t * per;
      int s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0;
      for (int k = 0; k < per; k++) {
        int at = feats[base + k] * TAGS;
        s0 += w[at];
        s1 += w[at + 1];
        s2 += w[at + 2];
        s3 += w[at + 3];
        s4 += w[at + 4];
        s5 += w[at + 5];
        s6 += w[at + 6];
      }
      int e = t * TAGS;
      emissions[e] = s0 * scale;
      emissions[e + 1] = s1 * scale;
      emissions[e + 2] = s2 * scale;
      emissions[e + 3] = s3 * scale;
      emissions[e + 4] = s4 * scale;
      emissions[e + 5] = s5 * scale;
      emissions[e + 6] = s6 * scale;
    }
    return viterbi(emissions, n, transitions);
  }

  static int[] viterbi(float[] emissions, int n, float[] transitions) {
    int[] tags = new int[n];
    if (n == 0) {
      return tags;
    }
    float[] score = new float[TAGS];
    float[] next = new float[TAGS];
    int[] back = new int[n * TAGS];
    for (int y = 0; y < TAGS; y++) {
      score[y] = allowed(0, y) ? emissions[y] + transitions[TAGS * TAGS + y] : Float.NEGATIVE_INFINITY;
    }
    for (int t = 1; t < n; t++) {
      for (int y = 0; y < TAGS; y++) {
        float best = Float.NEGATIVE_INFINITY;
        int arg = 0;
        for (int p = 0; p < TAGS; p++) {
          if (!allowed(p, y)) {
            continue;
          }
          float v = score[p] + transitions[p * TAGS + y];
          if (v > best) {
            best = v;
            arg = p;
          }
        }
        next[y] = best + emissions[t * TAGS + y];
        back[t * TAGS + y] = arg;
      }
      float[] tmp = score;
      score = next;
      next = tmp;
    }
    int arg = 0;
    for (int y = 1; y < TAGS; y++) {
      if (score[y] > score[arg]) {
        arg = y;
      }
    }
    for (int t = n - 1; t >= 0; t--) {
      tags[t] = arg;
      arg = back[t * TAGS + arg];
    }
    return tags;
  }

  void write(OutputStream raw) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16);
    DataOutputStream out = new DataOutputStream(gz);
    out.writeBytes(MAGIC);
    out.writeInt(ModelFeatures.VERSION);
    out.writeInt(bits);
    out.writeInt(TAGS);
    out.writeFloat(scale);
    for (float f : transitions) {
      out.writeFloat(f);
    }
    byte[] buf = new byte[1 << 16];
    int b = 0;
    for (short s : weights) {
      buf[b++] = (byte) (s >> 8);
      buf[b++] = (byte) s;
      if (b == buf.length) {
        out.write(buf, 0, b);
        b = 0;
      }
    }
    out.write(buf, 0, b);
    out.flush();
    gz.finish();
  }

  /**
   * Reads a model written by {@link #write}.
   *
   * @throws IOException if the stream is not a Veil NER model of this feature version, or is truncated
   */
  static SequenceModel read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    byte[] magic = new byte[MAGIC.length()];
    in.readFully(magic);
    if (!MAGIC.equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
      throw new IOException("not a Veil NER model");
    }
    int version = in.readInt();
    if (version != ModelFeatures.VERSION) {
      throw new IOException("NER model has feature version " + version + ", this build needs " + ModelFeatures.VERSION);
    }
    int bits = in.readInt();
    int tags = in.readInt();
    if (bits < 8 || bits > 24 || tags != TAGS) {
      throw new IOException("NER model header is invalid");
    }
    float scale = in.readFloat();
    float[] trans = new float[(TAGS + 1) * TAGS];
    for (int i = 0; i < trans.length; i++) {
      trans[i] = in.readFloat();
    }
    short[] w = new short[(1 << bits) * TAGS];
    byte[] buf = new byte[1 << 16];
    int i = 0;
    while (i < w.length) {
      int want = Math.min(buf.length, (w.length - i) * 2);
      in.readFully(buf, 0, want);
      for (int b = 0; b < want; b += 2) {
        w[i++] = (short) ((buf[b] << 8) | (buf[b + 1] & 0xff));
      }
    }
    if (in.read() != -1) {
      throw new IOException("NER model has trailing data");
    }
    return new SequenceModel(bits, scale, w, trans);
  }
}
