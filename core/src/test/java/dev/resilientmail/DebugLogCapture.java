package dev.resilientmail;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Records everything the library logs at DEBUG during one test, for tests that scan the
 * log for what must never be written (secrets, raw control characters).
 */
public final class DebugLogCapture implements BeforeEachCallback, AfterEachCallback {

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.resilientmail");

	private Level previousLevel;

	@Override
	public void beforeEach(ExtensionContext context) {
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.DEBUG);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
	}

	/**
	 * Returns the events logged so far in this test.
	 * @return the events, oldest first
	 */
	public List<ILoggingEvent> events() {
		return this.appender.list;
	}

}
