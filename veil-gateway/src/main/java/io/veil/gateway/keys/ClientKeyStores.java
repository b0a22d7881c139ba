package io.veil.gateway.keys;

import io.veil.store.ClientKeyTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the client key store a configuration names ({@link ClientKeyStorage}): the one place that
 * decides, so that {@code veil serve}, {@code veil keys} and {@code veil doctor} always look at the
 * same keys.
 *
 * <p>Moving from {@code keys.json} to the database: every open of the database store first imports
 * the keys of {@code DATA_DIR/keys.json} that the database does not hold yet
 * ({@link JdbcClientKeyStore#importFrom}: hashes and bindings; the secrets were never stored), so the
 * keys clients already have keep working. The file is kept (for going back with
 * {@code database.clientKeys: file}) and no longer read; the log says how many keys came from it,
 * never any key material.
 *
 * <p>Thread safety: stateless.
 */
public final class ClientKeyStores {
  private static final Logger LOG = LoggerFactory.getLogger(ClientKeyStores.class);
  /** The file of the former store, in the data directory. */
  public static final String KEYS_FILE = "keys.json";

  private ClientKeyStores() {}

  /**
   * The store {@code storage} names: the database's client keys (after importing {@code keys.json}
   * from {@code dataDir}, see the class comment) or {@code dataDir/keys.json}.
   *
   * @param table the database's key table ({@code Governance::clientKeyTable}); asked only for
   *     {@link ClientKeyStorage#DATABASE}
   * @throws IllegalStateException if {@code keys.json} exists but cannot be read (nothing is imported
   *     then, and the gateway does not start: fix or remove the file)
   * @throws io.veil.store.StoreException if the database cannot be written
   */
  public static ClientKeyStore open(ClientKeyStorage storage, Path dataDir, Supplier<ClientKeyTable> table) {
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(dataDir, "dataDir");
    return switch (storage) {
      case FILE -> FileClientKeyStore.open(dataDir);
      case DATABASE -> {
        JdbcClientKeyStore store = JdbcClientKeyStore.open(table.get());
        importFile(store, dataDir);
        yield store;
      }
    };
  }

  /**
   * The keys of {@code dataDir/keys.json} that the next open of the database store ({@code veil serve})
   * would import: those whose id and secret hash {@code table} does not hold yet (null: no database yet,
   * so all of them). Reads only; for {@code veil doctor}, whose view of the keys should be the one the
   * gateway will have.
   *
   * @throws IllegalStateException if {@code keys.json} exists but cannot be read (serve would not start)
   */
  public static List<ClientKey> notYetImported(Path dataDir, ClientKeyTable table) {
    Objects.requireNonNull(dataDir, "dataDir");
    if (!Files.isRegularFile(dataDir.resolve(KEYS_FILE))) {
      return List.of();
    }
    List<FileClientKeyStore.Entry> inFile = FileClientKeyStore.open(dataDir).hashedKeys();
    if (table == null) {
      return inFile.stream().map(FileClientKeyStore.Entry::key).toList();
    }
    Set<String> ids = new HashSet<>();
    table.list().forEach(r -> ids.add(r.id()));
    List<ClientKey> missing = new ArrayList<>();
    for (FileClientKeyStore.Entry e : inFile) {
      if (!ids.contains(e.key().id()) && table.findBySecretHash(e.hash()).isEmpty()) {
        missing.add(e.key());
      }
    }
    return List.copyOf(missing);
  }

  /** Imports {@code dataDir/keys.json}'s missing keys into {@code store}; returns how many. */
  static int importFile(JdbcClientKeyStore store, Path dataDir) {
    Path file = dataDir.resolve(KEYS_FILE);
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    int imported = store.importFrom(FileClientKeyStore.open(dataDir));
    if (imported > 0) {
      LOG.info("client keys: imported {} key(s) from {} into the database (hashes and bindings only); the file is"
          + " kept but no longer read (database.clientKeys: database); remove it once no instance uses"
          + " database.clientKeys: file", imported, file);
    } else {
      LOG.debug("client keys: every key of {} is already in the database; the file is not read", file);
    }
    return imported;
  }
}
