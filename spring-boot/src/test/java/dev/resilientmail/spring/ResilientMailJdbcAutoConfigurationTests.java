package dev.resilientmail.spring;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mail.SimpleMailMessage;

import dev.resilientmail.jdbc.JdbcDeliveryStore;
import dev.resilientmail.jdbc.PostgresServer;
import dev.resilientmail.jdbc.StoredRetry;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;

import static org.assertj.core.api.Assertions.assertThat;

class ResilientMailJdbcAutoConfigurationTests {

	private static PostgresServer postgres;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ResilientMailJdbcAutoConfiguration.class, ResilientMailAutoConfiguration.class))
		.withPropertyValues("spring.mail.host=127.0.0.1");

	@BeforeAll
	static void startPostgres() {
		postgres = PostgresServer.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@Test
	void memoryIsTheDefault() {
		try (HikariDataSource dataSource = postgres.newDatabase()) {
			this.contextRunner.withBean(DataSource.class, () -> dataSource)
				.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcDeliveryStore.class));
		}
	}

	@Test
	void jdbcStoreKeepsAsyncRetriesInTheDataSource() {
		try (HikariDataSource dataSource = postgres.newDatabase(); FaultSmtpServer server = FaultSmtpServer.start()) {
			server.when(Phase.RCPT).attempt(1).act(Action.reply("450 4.7.1 Greylisted, please try later"));
			this.contextRunner.withBean(DataSource.class, () -> dataSource)
				.withPropertyValues("spring.mail.port=" + server.port(), "resilient-mail.store=jdbc",
						"resilient-mail.jdbc.initialize-schema=true", "resilient-mail.retry.wait-duration=1h")
				.run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(JdbcDeliveryStore.class);
					SimpleMailMessage message = new SimpleMailMessage();
					message.setFrom("app@example.com");
					message.setTo("bob@example.com");
					message.setText("hello");
					context.getBean(AsyncMailSender.class).sendAsync(message);
					JdbcDeliveryStore store = context.getBean(JdbcDeliveryStore.class);
					long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
					while (store.retriesIn(StoredRetry.State.WAITING).isEmpty()) {
						assertThat(System.nanoTime()).as("the retry stored within 20 s").isLessThan(deadline);
						TimeUnit.MILLISECONDS.sleep(50);
					}
					assertThat(store.retriesIn(StoredRetry.State.WAITING)).singleElement()
						.satisfies((retry) -> assertThat(retry.recipients()).containsExactly("bob@example.com"));
				});
		}
	}

	@Test
	void jdbcStoreWithoutTablesFailsNamingTheScript() {
		try (HikariDataSource dataSource = postgres.newDatabase()) {
			this.contextRunner.withBean(DataSource.class, () -> dataSource)
				.withPropertyValues("resilient-mail.store=jdbc")
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining("dev/resilientmail/jdbc/schema-postgresql.sql")
					.hasMessageContaining("resilient-mail.jdbc.initialize-schema=true"));
		}
	}

	@Test
	void jdbcStoreWithoutADataSourceFailsNamingTheKey() {
		this.contextRunner.withPropertyValues("resilient-mail.store=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilient-mail.store")
				.hasMessageContaining("DataSource"));
	}

	@Test
	void jdbcStoreWithoutTheModuleFailsNamingIt() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JdbcDeliveryStore.class))
			.withPropertyValues("resilient-mail.store=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilient-mail.store")
				.hasMessageContaining("resilient-mail-jdbc"));
	}

}
