package dev.resilientmail.it;

import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link PostfixInstance} for a test class: started before all its tests, stopped
 * after them. Where the programs are missing the class is skipped with a message (a log
 * line and the JUnit abort reason), except in CI ({@code CI=true}), where that is a
 * failure; with the programs present but not running as root it fails, saying why (see
 * {@link PostfixEnvironment#decide()}). A failing test gets the tails of Postfix's and
 * postgrey's logs printed. A test class whose Postfix needs settings of its own (where
 * mail for a domain goes, queue lifetimes) gives them as {@code main.cf} parameters; they
 * are asked for when Postfix starts, so they may name the ports of servers that other
 * extensions, ordered before this one, started.
 */
final class PostfixExtension implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(PostfixExtension.class);

	private final Supplier<Map<String, String>> parameters;

	private PostfixInstance instance;

	/** An extension whose Postfix runs the templates as they are. */
	PostfixExtension() {
		this(Map::of);
	}

	/**
	 * An extension whose Postfix has these {@code main.cf} parameters over the
	 * templates'.
	 * @param parameters gives the parameters, by name, when Postfix starts
	 */
	PostfixExtension(Supplier<Map<String, String>> parameters) {
		this.parameters = parameters;
	}

	/**
	 * Returns the running instance.
	 * @return the instance
	 */
	PostfixInstance instance() {
		if (this.instance == null) {
			throw new IllegalStateException("Postfix is not running: register PostfixExtension as a static field");
		}
		return this.instance;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		PostfixEnvironment environment = PostfixEnvironment.detect();
		PostfixEnvironment.Decision decision = environment.decide();
		switch (decision.action()) {
			case FAIL -> Assertions.fail(decision.message());
			case SKIP -> {
				log.warn("SKIPPED {}: {}", context.getDisplayName(), decision.message());
				Assumptions.abort(decision.message());
			}
			case RUN -> log.info("{}", decision.message());
		}
		try {
			this.instance = PostfixInstance.start(environment, this.parameters.get());
		}
		catch (RuntimeException ex) {
			// a machine that has the programs must be able to start them: never a skip
			throw new IllegalStateException("Postfix could not start: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.instance != null) {
			this.instance.close();
			this.instance = null;
		}
	}

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
		if (this.instance != null && !(throwable instanceof TestAbortedException)) {
			log.error("{} failed; Postfix maillog (last 60 lines):\n{}\npostgrey log (last 20 lines):\n{}",
					context.getDisplayName(), Commands.tail(this.instance.maillog(), 60),
					Commands.tail(this.instance.postgreyLog(), 20));
		}
		throw throwable;
	}

}
