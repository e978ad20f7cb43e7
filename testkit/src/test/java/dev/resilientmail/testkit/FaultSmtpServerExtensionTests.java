package dev.resilientmail.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The JUnit Jupiter extension: injection, configuration, and a fresh server per test that
 * is closed after it.
 */
class FaultSmtpServerExtensionTests {

	@Test
	void startsAFreshServerForEachTestAndClosesItAfter() {
		TwoTests.servers.clear();
		TestExecutionSummary summary = run(TwoTests.class);
		assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
		assertThat(summary.getTotalFailureCount()).isZero();
		assertThat(TwoTests.servers).hasSize(2).allMatch(FaultSmtpServer::isClosed);
		assertThat(TwoTests.servers.get(0)).isNotSameAs(TwoTests.servers.get(1));
	}

	@Test
	void explainsThatAServerCannotBeInjectedIntoBeforeAll() {
		TestExecutionSummary summary = run(InjectedIntoBeforeAll.class);
		assertThat(summary.getTotalFailureCount()).isEqualTo(1);
		assertThat(summary.getFailures().get(0).getException())
			.hasMessageContaining("available to test, @BeforeEach and @AfterEach methods only");
	}

	@Test
	void serverIsOnlyAvailableDuringATest() {
		FaultSmtpServerExtension extension = FaultSmtpServerExtension.withServer((builder) -> builder.lean());
		assertThatIllegalStateException().isThrownBy(extension::server).withMessageContaining("inside a test");
		assertThatIllegalArgumentException().isThrownBy(() -> FaultSmtpServerExtension.withServer(null));
	}

	private static TestExecutionSummary run(Class<?> testClass) {
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		LauncherFactory.create().execute(request().selectors(selectClass(testClass)).build(), listener);
		return listener.getSummary();
	}

	@Nested
	@ExtendWith(FaultSmtpServerExtension.class)
	class ParameterInjection {

		private FaultSmtpServer fromBeforeEach;

		@BeforeEach
		void keep(FaultSmtpServer server) {
			this.fromBeforeEach = server;
		}

		@Test
		void injectsTheRunningServerOfTheTest(FaultSmtpServer server) throws IOException {
			assertThat(server).isSameAs(this.fromBeforeEach);
			try (SmtpClient client = SmtpClient.greeted(server)) {
				assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
			}
			assertThat(server.commands()).containsExactly("NOOP");
		}

	}

	@Nested
	class RegisteredWithConfiguration {

		@RegisterExtension
		final FaultSmtpServerExtension smtp = FaultSmtpServerExtension
			.withServer((builder) -> builder.hostname("smtp.test").auth("u", "p").startTls());

		@Test
		void configuresTheServerAndOffersItThroughServer(FaultSmtpServer server) throws IOException {
			assertThat(this.smtp.server()).isSameAs(server);
			try (SmtpClient client = SmtpClient.greeted(server)) {
				assertThat(client.command("EHLO c")).startsWith("250-smtp.test")
					.contains("250-STARTTLS")
					.contains("250-AUTH PLAIN LOGIN");
			}
		}

	}

	/** Run through the launcher only (surefire skips nested classes). */
	@ExtendWith(FaultSmtpServerExtension.class)
	static class TwoTests {

		static final List<FaultSmtpServer> servers = new ArrayList<>();

		@Test
		void first(FaultSmtpServer server) {
			assertThat(server.isClosed()).isFalse();
			servers.add(server);
		}

		@Test
		void second(FaultSmtpServer server) {
			assertThat(server.isClosed()).isFalse();
			assertThat(server.connectionCount()).isZero();
			servers.add(server);
		}

	}

	/** Run through the launcher only. */
	@ExtendWith(FaultSmtpServerExtension.class)
	static class InjectedIntoBeforeAll {

		@BeforeAll
		static void tooEarly(FaultSmtpServer server) {
			throw new AssertionError("never called, got " + server);
		}

		@Test
		void test() {
		}

	}

}
