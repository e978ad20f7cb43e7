package dev.resilientmail.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A private PostgreSQL server for the tests: the Debian package's binaries, its own data
 * directory in a temporary folder, 127.0.0.1 and a free port; stopped and deleted at the
 * end. As root the server runs as user {@code postgres} (initdb refuses root).
 */
public final class PostgresServer implements AutoCloseable {

	private static final Path BIN = binaries();

	private static final AtomicInteger databases = new AtomicInteger();

	private final Path dir;

	private final int port;

	private final boolean asPostgresUser;

	private final boolean durable;

	private boolean running;

	/** -Dresilientmail.postgres.bin, else the newest Debian PostgreSQL. */
	private static Path binaries() {
		String configured = System.getProperty("resilientmail.postgres.bin");
		if (configured != null) {
			return Path.of(configured);
		}
		try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			return versions.map((version) -> version.resolve("bin"))
				.filter((bin) -> Files.isExecutable(bin.resolve("initdb")))
				.max(Comparator.comparingInt((Path bin) -> Integer.parseInt(bin.getParent().getFileName().toString())))
				.orElse(Path.of("/usr/lib/postgresql/15/bin"));
		}
		catch (IOException | NumberFormatException ex) {
			return Path.of("/usr/lib/postgresql/15/bin");
		}
	}

	private PostgresServer(Path dir, int port, boolean asPostgresUser, boolean durable) {
		this.durable = durable;
		this.dir = dir;
		this.port = port;
		this.asPostgresUser = asPostgresUser;
	}

	/**
	 * A server for tests: no fsync (durability is not under test, and the machine is
	 * shared).
	 */
	public static PostgresServer start() {
		return start(false);
	}

	/**
	 * A server.
	 * @param durable PostgreSQL's default durability (fsync, synchronous commit), for
	 * benchmarks
	 * @return the running server
	 */
	public static PostgresServer start(boolean durable) {
		if (!Files.isExecutable(BIN.resolve("initdb"))) {
			throw new IllegalStateException("PostgreSQL is not installed: no " + BIN.resolve("initdb")
					+ " (Debian: apt-get install postgresql; or set -Dresilientmail.postgres.bin=DIR)");
		}
		try {
			boolean root = "root".equals(System.getProperty("user.name"));
			Path dir = Files.createTempDirectory("resilient-mail-pg");
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			PostgresServer server = new PostgresServer(dir, port, root, durable);
			if (root) {
				run(List.of("chown", "postgres", dir.toString()));
			}
			server.runAsOwner(BIN.resolve("initdb") + " -D " + dir + "/data -A trust -U postgres -E UTF8 --no-sync");
			server.restart();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start PostgreSQL: " + ex.getMessage(), ex);
		}
	}

	public int port() {
		return this.port;
	}

	public String url(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/** A new, empty database and a pool on it. */
	public HikariDataSource newDatabase() {
		String name = "test_" + databases.incrementAndGet() + "_" + ProcessHandle.current().pid();
		try (Connection connection = DriverManager.getConnection(url("postgres"), "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot create database " + name + ": " + ex.getMessage(), ex);
		}
		return dataSource(url(name), 10);
	}

	public static HikariDataSource dataSource(String url, int size) {
		return dataSource(url, size, 2000);
	}

	/**
	 * A pool on a database.
	 * @param url the JDBC URL
	 * @param size the pool's size
	 * @param connectionTimeoutMillis how long to wait for a connection
	 * @return the pool
	 */
	public static HikariDataSource dataSource(String url, int size, long connectionTimeoutMillis) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername("postgres");
		config.setPassword("");
		config.setMaximumPoolSize(size);
		config.setConnectionTimeout(connectionTimeoutMillis);
		config.setInitializationFailTimeout(-1);
		return new HikariDataSource(config);
	}

	/**
	 * Stops the server (fast shutdown), as a crash of the database would look to clients.
	 */
	public synchronized void stop() {
		this.running = false;
		runAsOwner(BIN.resolve("pg_ctl") + " -D " + this.dir + "/data -w -m fast stop");
	}

	/** Starts it (again) on its port and data. */
	public synchronized void restart() {
		this.running = true;
		String fast = this.durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
		runAsOwner(BIN.resolve("pg_ctl") + " -D " + this.dir + "/data -w -t 60 -l " + this.dir + "/log -o \"-p "
				+ this.port + " -k " + this.dir + " -c listen_addresses=127.0.0.1 -c max_connections=200" + fast
				+ "\" start");
	}

	@Override
	public synchronized void close() {
		try {
			if (this.running) {
				this.running = false;
				runAsOwner(BIN.resolve("pg_ctl") + " -D " + this.dir + "/data -w -m immediate stop");
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(this.dir)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException ex) {
				// a temporary folder: left for the system to clean
			}
		}
	}

	private void runAsOwner(String command) {
		run(this.asPostgresUser ? List.of("su", "postgres", "-c", command) : List.of("sh", "-c", command));
	}

	private static void run(List<String> command) {
		try {
			Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			if (!process.waitFor(Duration.ofSeconds(90).toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("failed: " + String.join(" ", command) + "\n" + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + command + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted: " + command, ex);
		}
	}

}
