package dev.resilientmail.testkit;

import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that starts a fresh {@link FaultSmtpServer} before each test
 * and closes it after. The server is injected into test, {@code @BeforeEach} and
 * {@code @AfterEach} methods that declare a {@code FaultSmtpServer} parameter.
 * <pre class="code">
 * &#64;ExtendWith(FaultSmtpServerExtension.class)
 * class SenderTests {
 *
 *     &#64;Test
 *     void retriesGreylisting(FaultSmtpServer server) { ... }
 *
 * }
 *
 * class AuthTests {
 *
 *     &#64;RegisterExtension
 *     static FaultSmtpServerExtension smtp = FaultSmtpServerExtension
 *         .withServer((server) -&gt; server.auth("user", "secret").startTls());
 *
 *     &#64;Test
 *     void logsIn() {
 *         FaultSmtpServer server = smtp.server();
 *         ...
 *     }
 *
 * }
 * </pre>
 *
 * @since 0.1.0
 */
public final class FaultSmtpServerExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(FaultSmtpServerExtension.class);

	private final Consumer<FaultSmtpServer.Builder> configuration;

	private volatile FaultSmtpServer current;

	/**
	 * An extension whose servers have the default settings; the constructor
	 * {@code @ExtendWith} uses.
	 */
	public FaultSmtpServerExtension() {
		this((builder) -> {
		});
	}

	private FaultSmtpServerExtension(Consumer<FaultSmtpServer.Builder> configuration) {
		this.configuration = configuration;
	}

	/**
	 * An extension whose servers are configured by this function, for
	 * {@code @RegisterExtension}.
	 * @param configuration sets up the builder of each test's server
	 * @return the extension
	 * @throws IllegalArgumentException if the configuration is null
	 */
	public static FaultSmtpServerExtension withServer(Consumer<FaultSmtpServer.Builder> configuration) {
		if (configuration == null) {
			throw new IllegalArgumentException("withServer(...) needs a configuration, like (b) -> b.startTls()");
		}
		return new FaultSmtpServerExtension(configuration);
	}

	/**
	 * The server of the running test. With tests running in parallel, prefer a method
	 * parameter.
	 * @return the server
	 * @throws IllegalStateException outside a test
	 */
	public FaultSmtpServer server() {
		FaultSmtpServer server = this.current;
		if (server == null) {
			throw new IllegalStateException("no FaultSmtpServer is running: server() works inside a test, "
					+ "@BeforeEach or @AfterEach method of a class that registers this extension");
		}
		return server;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		FaultSmtpServer.Builder builder = FaultSmtpServer.builder();
		this.configuration.accept(builder);
		FaultSmtpServer server = builder.start();
		context.getStore(NAMESPACE).put(this, server);
		this.current = server;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		FaultSmtpServer server = context.getStore(NAMESPACE).remove(this, FaultSmtpServer.class);
		if (server != null) {
			if (this.current == server) {
				this.current = null;
			}
			server.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == FaultSmtpServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		FaultSmtpServer server = extensionContext.getStore(NAMESPACE).get(this, FaultSmtpServer.class);
		if (server == null) {
			throw new ParameterResolutionException("a FaultSmtpServer is available to test, @BeforeEach and "
					+ "@AfterEach methods only, not to " + parameterContext.getDeclaringExecutable());
		}
		return server;
	}

}
