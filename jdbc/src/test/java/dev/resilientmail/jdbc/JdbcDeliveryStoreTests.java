package dev.resilientmail.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@ExtendWith(PostgresExtension.class)
class JdbcDeliveryStoreTests {

	@Test
	void missingTablesNameTheScriptToRun(DataSource dataSource) {
		assertThatIllegalStateException().isThrownBy(() -> JdbcDeliveryStore.builder(dataSource).build())
			.withMessageContaining("resilient_mail_schema is missing")
			.withMessageContaining("dev/resilientmail/jdbc/schema-postgresql.sql")
			.withMessageContaining("createSchema(true)");
	}

	@Test
	void createSchemaMakesTheTablesAndRunsAgainWithoutChange(DataSource dataSource) throws SQLException {
		JdbcDeliveryStore.builder(dataSource).createSchema(true).build().close();
		JdbcDeliveryStore.builder(dataSource).createSchema(true).build().close();
		JdbcDeliveryStore.builder(dataSource).build().close();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			var rows = statement.executeQuery("SELECT count(*) FROM resilient_mail_schema");
			rows.next();
			assertThat(rows.getInt(1)).isEqualTo(1);
		}
	}

	@Test
	void outdatedSchemaNamesTheScriptToRun(DataSource dataSource) throws SQLException {
		JdbcDeliveryStore.builder(dataSource).createSchema(true).build().close();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("UPDATE resilient_mail_schema SET version = 0");
		}
		assertThatIllegalStateException().isThrownBy(() -> JdbcDeliveryStore.builder(dataSource).build())
			.withMessageContaining("at version 0, this library needs version 1")
			.withMessageContaining("schema-postgresql.sql");
	}

	@Test
	void unreachableDatabaseAtStartNamesTheUrl() {
		String url = "jdbc:postgresql://127.0.0.1:1/mail";
		try (HikariDataSource dataSource = PostgresServer.dataSource(url, 1)) {
			assertThatIllegalStateException().isThrownBy(() -> JdbcDeliveryStore.builder(dataSource).build())
				.withMessageStartingWith("cannot reach the resilient-mail database at " + url);
		}
	}

	@Test
	void scriptSplitsIntoItsStatements() {
		assertThat(Schema.statements("-- a comment; with a semicolon\nCREATE TABLE a (x INT);\n\nSELECT 1;\n"))
			.containsExactly("CREATE TABLE a (x INT)", "SELECT 1");
	}

}
