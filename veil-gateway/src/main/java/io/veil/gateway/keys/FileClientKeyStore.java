package io.veil.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.files.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Client keys in a JSON file ({@code keys.json}, mode 0600) in the data directory. Each key is
 * stored as the SHA-256 of its secret (secrets carry 256 random bits, so a plain hash is enough);
 * presented secrets are hashed and compared with every stored hash using
 * {@link MessageDigest#isEqual}, without early exit.
 *
 * <p>Several processes may share the file (the gateway and {@code veil keys}): writes take a file
 * lock and replace the file atomically; readers notice changes (new or revoked keys) within a
 * second.
 *
 * <p>Thread safety: thread-safe.
 */
public final class FileClientKeyStore implements ClientKeyStore {
  /** The prefix of every secret, so leaked keys are easy to recognize and scan for. */
  public static final String SECRET_PREFIX = "sk-veil-";
  private static final long RELOAD_INTERVAL_NANOS = 1_000_000_000L;

  private final Path file;
  private final Path lockFile;
  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock;

  /** A stored key and the SHA-256 of its secret. */
  record Entry(ClientKey key, byte[] hash) {
    @Override
    public String toString() {
      return "Entry[" + key.id() + "]";
    }
  }

  private volatile List<Entry> entries = List.of();
  private volatile long loadedStamp = -1;
  private volatile long lastCheck;

  private FileClientKeyStore(Path dataDir, Clock clock) {
    this.file = dataDir.resolve("keys.json");
    this.lockFile = dataDir.resolve("keys.lock");
    this.clock = clock;
  }

  /** Opens (creating the directory if needed) the key file in {@code dataDir}. */
  public static FileClientKeyStore open(Path dataDir) {
    return open(dataDir, Clock.systemUTC());
  }

  static FileClientKeyStore open(Path dataDir, Clock clock) {
    OwnerOnlyFiles.dataDirectory(dataDir);
    FileClientKeyStore store = new FileClientKeyStore(dataDir, clock);
    store.reload();
    return store;
  }

  @Override
  public IssuedKey create(String tenant, String policy, int ratePerMinute) {
    return create(tenant, policy, ratePerMinute, null);
  }

  @Override
  public IssuedKey create(String tenant, String policy, int ratePerMinute, java.time.Duration lifetime) {
    ClientKeySecrets.checkNew(tenant, policy, ratePerMinute, lifetime);
    String secret = ClientKeySecrets.newSecret();
    Instant now = clock.instant();
    ClientKey key = new ClientKey(ClientKeySecrets.newId(), tenant, policy, ratePerMinute,
        now, null, lifetime == null ? null : now.plus(lifetime));
    Entry entry = new Entry(key, ClientKeySecrets.sha256(secret));
    modify(list -> list.add(entry));
    return new IssuedKey(key, secret);
  }

  @Override
  public Optional<ClientKey> authenticate(String secret) {
    if (!ClientKeySecrets.plausible(secret)) {
      return Optional.empty();
    }
    maybeReload();
    byte[] presented = ClientKeySecrets.sha256(secret);
    ClientKey found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(presented, e.hash()) && found == null) {
        found = e.key();
      }
    }
    return found == null || found.revoked() || found.expiredAt(clock.instant()) ? Optional.empty() : Optional.of(found);
  }

  @Override
  public List<ClientKey> list() {
    maybeReload();
    return entries.stream().map(Entry::key).toList();
  }

  /** Every key with the SHA-256 of its secret, as the file holds them (for the import into the database). */
  List<Entry> hashedKeys() {
    maybeReload();
    return entries;
  }

  @Override
  public boolean revoke(String id) {
    boolean[] found = {false};
    Instant now = clock.instant();
    modify(list -> {
      for (int i = 0; i < list.size(); i++) {
        Entry e = list.get(i);
        if (e.key().id().equals(id)) {
          found[0] = true;
          if (!e.key().revoked()) {
            ClientKey k = e.key();
            list.set(i, new Entry(new ClientKey(k.id(), k.tenant(), k.policy(), k.ratePerMinute(), k.createdAt(), now,
                k.expiresAt()), e.hash()));
          }
        }
      }
    });
    return found[0];
  }

  private interface Change {
    void apply(List<Entry> entries);
  }

  private synchronized void modify(Change change) {
    try (FileChannel ch = OwnerOnlyFiles.openForAppend(lockFile);
        FileLock ignored = ch.lock()) {
      reload();
      List<Entry> list = new ArrayList<>(entries);
      change.apply(list);
      write(list);
      reload();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update the client key file " + file, e);
    }
  }

  private void maybeReload() {
    long now = System.nanoTime();
    if (now - lastCheck > RELOAD_INTERVAL_NANOS) {
      lastCheck = now;
      reload();
    }
  }

  private synchronized void reload() {
    try {
      if (!Files.exists(file)) {
        entries = List.of();
        loadedStamp = -1;
        return;
      }
      long stamp = Files.getLastModifiedTime(file).toMillis() ^ (Files.size(file) << 40);
      if (stamp == loadedStamp) {
        return;
      }
      JsonNode root = json.readTree(Files.readAllBytes(file));
      List<Entry> list = new ArrayList<>();
      for (JsonNode n : root.path("keys")) {
        String revoked = n.path("revokedAt").asText(null);
        String expires = n.path("expiresAt").asText(null);
        ClientKey key = new ClientKey(n.path("id").asText(), n.path("tenant").asText(), n.path("policy").asText(),
            n.path("ratePerMinute").asInt(0), Instant.parse(n.path("createdAt").asText()),
            revoked == null ? null : Instant.parse(revoked), expires == null ? null : Instant.parse(expires));
        list.add(new Entry(key, HexFormat.of().parseHex(n.path("sha256").asText())));
      }
      entries = List.copyOf(list);
      loadedStamp = stamp;
    } catch (IOException | RuntimeException e) {
      // fail closed: an unreadable key file authenticates nobody
      throw new IllegalStateException("cannot read the client key file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private void write(List<Entry> list) throws IOException {
    ObjectNode root = json.createObjectNode();
    root.put("format", 1);
    ArrayNode arr = root.putArray("keys");
    for (Entry e : list) {
      ObjectNode n = arr.addObject();
      n.put("id", e.key().id());
      n.put("tenant", e.key().tenant());
      n.put("policy", e.key().policy());
      n.put("ratePerMinute", e.key().ratePerMinute());
      n.put("createdAt", e.key().createdAt().toString());
      if (e.key().revoked()) {
        n.put("revokedAt", e.key().revokedAt().toString());
      }
      if (e.key().expiresAt() != null) {
        n.put("expiresAt", e.key().expiresAt().toString());
      }
      n.put("sha256", HexFormat.of().formatHex(e.hash()));
    }
    OwnerOnlyFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
