package dev.resilientmail.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

/**
 * The tables this module needs: checked at startup, created from the shipped script when
 * asked to. A missing or outdated table gives a message that names the script to run.
 */
final class Schema {

	static final int VERSION = 1;

	static final String SCRIPT = "dev/resilientmail/jdbc/schema-postgresql.sql";

	private static final List<String> TABLES = List.of("resilient_mail_schema", "resilient_mail_bucket",
			"resilient_mail_rate_limit", "resilient_mail_retry", "resilient_mail_scheduled_tasks");

	private Schema() {
	}

	/**
	 * Connects, checks the database product and the tables, creating them first when
	 * {@code create} is set.
	 * @throws IllegalStateException naming the URL when the database cannot be reached,
	 * and the script when a table is missing or outdated
	 */
	static void prepare(DataSource dataSource, String url, boolean create) {
		try (Connection connection = connect(dataSource, url)) {
			String product = connection.getMetaData().getDatabaseProductName();
			if (!"PostgreSQL".equals(product)) {
				throw new IllegalStateException("resilient-mail-jdbc needs PostgreSQL; the database at " + url + " is "
						+ product + " (the scripts are in " + SCRIPT + ")");
			}
			if (create) {
				create(connection);
			}
			check(connection, url);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot prepare the resilient-mail tables in " + url + ": "
					+ ex.getMessage() + " (" + advice() + ")", ex);
		}
	}

	static Connection connect(DataSource dataSource, String url) {
		try {
			return dataSource.getConnection();
		}
		catch (SQLException | RuntimeException ex) {
			throw new IllegalStateException(
					"cannot reach the resilient-mail database at " + url + ": " + ex.getMessage(), ex);
		}
	}

	private static void create(Connection connection) throws SQLException {
		String script;
		try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(SCRIPT)) {
			if (in == null) {
				throw new IllegalStateException(SCRIPT + " is missing from the class path");
			}
			script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + SCRIPT + ": " + ex.getMessage(), ex);
		}
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			// two instances starting at once must not both create the tables
			statement.execute("SELECT pg_advisory_xact_lock(7391245110)");
			for (String sql : statements(script)) {
				statement.execute(sql);
			}
			connection.commit();
		}
		catch (SQLException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

	/** The script's statements: comments dropped, split at semicolons that end a line. */
	static List<String> statements(String script) {
		StringBuilder text = new StringBuilder();
		for (String line : script.split("\n")) {
			if (!line.strip().startsWith("--")) {
				text.append(line).append('\n');
			}
		}
		return java.util.Arrays.stream(text.toString().split(";\\s*\n"))
			.map(String::strip)
			.filter((sql) -> !sql.isEmpty())
			.toList();
	}

	private static void check(Connection connection, String url) throws SQLException {
		for (String table : TABLES) {
			try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?)")) {
				exists.setString(1, table);
				try (ResultSet row = exists.executeQuery()) {
					row.next();
					if (row.getString(1) == null) {
						throw new IllegalStateException(
								"the table " + table + " is missing in " + url + ": " + advice());
					}
				}
			}
		}
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT max(version) FROM resilient_mail_schema")) {
			int version = row.next() ? row.getInt(1) : 0;
			if (version < VERSION) {
				throw new IllegalStateException("the resilient-mail tables in " + url + " are at version " + version
						+ ", this library needs version " + VERSION + ": " + advice());
			}
			if (version > VERSION) {
				throw new IllegalStateException("the resilient-mail tables in " + url + " are at version " + version
						+ ", newer than this library (version " + VERSION + "): use the matching resilient-mail-jdbc");
			}
		}
	}

	private static String advice() {
		return "run the script " + SCRIPT + " from resilient-mail-jdbc's jar, or let the store create it"
				+ " (JdbcDeliveryStore.Builder.createSchema(true); in Spring Boot resilient-mail.jdbc.initialize-schema=true)";
	}

}
