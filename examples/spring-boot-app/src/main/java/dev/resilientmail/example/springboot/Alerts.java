package dev.resilientmail.example.springboot;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Problems an operator must look at: a block list, missing authentication, a relay
 * denial, a message that may or may not have arrived. The example logs them and keeps
 * them for its tests.
 */
@Component
public class Alerts {

	private static final Logger log = LoggerFactory.getLogger(Alerts.class);

	private final List<String> raised = new CopyOnWriteArrayList<>();

	/**
	 * Raises an alert.
	 * @param code the enhanced status code
	 * @param reply the server's reply, if there was one
	 */
	public void raise(EnhancedStatusCode code, Optional<SmtpReply> reply) {
		String alert = code + " " + reply.map(SmtpReply::text).orElse("(no reply)");
		log.warn("mail problem to look at: {}", alert);
		this.raised.add(alert);
	}

	/**
	 * Returns the alerts raised so far.
	 * @return the alerts
	 */
	public List<String> raised() {
		return List.copyOf(this.raised);
	}

}
