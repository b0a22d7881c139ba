package io.veil.cli;

import io.veil.gateway.ConfigLoader;
import io.veil.gateway.GatewayConfig;
import io.veil.gateway.Governance;
import io.veil.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/**
 * Where the governance store of a gateway is: {@code --config} and {@code --data-dir} exactly as
 * {@code veil serve} takes them (plus the {@code VEIL_*} environment), so these commands open the
 * same database and keys.
 *
 * <p>PostgreSQL is shared freely with a running gateway. The embedded H2 file is opened by one
 * process at a time: while a gateway uses it, the commands go through that gateway's admin and
 * privacy APIs instead ({@link RunningGateway}) and print its answers as they print the store's.
 *
 * <p>Only {@code veil serve} creates the store: {@link #open()} refuses a data directory without the H2
 * file (a typo, or a PostgreSQL instance's directory without {@code VEIL_DATABASE_URL}) instead of
 * creating an empty store there and answering as if it held nothing.
 */
final class StoreLocation {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (as for veil serve)")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "State directory (default ./veil-data)")
  Path dataDir;

  GatewayConfig load() {
    GatewayConfig cfg = ConfigLoader.load(config, System.getenv());
    return dataDir == null ? cfg : cfg.withDataDir(dataDir);
  }

  /** The H2 file the store lives in when the configuration names no database. */
  static final String H2_FILE = "veil.mv.db";

  /** Whether the configured store exists: a database URL is configured, or the data directory holds the H2 file. */
  static boolean exists(GatewayConfig cfg) {
    return cfg.governance().jdbcUrl() != null || Files.exists(cfg.dataDir().resolve(H2_FILE));
  }

  /**
   * Opens the existing store (no background timers).
   *
   * @throws CliException (exit 2) when there is no store to open: no database URL and no H2 file in the data directory
   */
  Governance open() {
    GatewayConfig cfg = load();
    if (!exists(cfg)) {
      throw new CliException("no Veil store in " + cfg.dataDir().toAbsolutePath().normalize() + " (no " + H2_FILE
          + "): point --data-dir at the gateway's data directory, --config at its configuration, or set"
          + " VEIL_DATABASE_URL for PostgreSQL (veil serve creates the store on its first start)");
    }
    try {
      return Governance.open(cfg.governance(), cfg.dataDir(), System.getenv());
    } catch (StoreException e) {
      if (h2InUse(e)) {
        throw new InUse("the H2 database in " + cfg.dataDir().toAbsolutePath().normalize() + " is in use by a running gateway (H2 allows one"
            + " process); use the admin API of that gateway, or stop it first (with PostgreSQL both work at once)");
      }
      throw new CliException("cannot open the governance store: " + e.getMessage());
    }
  }

  /** The H2 file is held by a running gateway. */
  static final class InUse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InUse(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The gateway holding the H2 file, to go through its APIs instead.
   *
   * @throws CliException (the original message) if it did not announce itself in the data directory
   */
  RunningGateway remote(InUse cause) {
    GatewayConfig cfg = load();
    return RunningGateway.find(cfg).orElseThrow(() -> new CliException(cause.getMessage()
        + RunningGateway.stale(cfg.dataDir()).map(line -> "; " + line).orElse("")));
  }

  private static boolean h2InUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() == 90020) {
        return true;
      }
    }
    return false;
  }
}
