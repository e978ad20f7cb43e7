package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.transport.CapturingSmtpTransport;

/**
 * Connected transports for one destination, reused so that single-message sends do not
 * pay connect, EHLO, STARTTLS and AUTH each time. Bounded by a semaphore. Reuse costs no
 * round trip: a transport used less than {@link #CHECK_AFTER_IDLE} ago is taken when its
 * socket looks open (nothing unasked from the server); one idle longer is checked with
 * NOOP first, as OkHttp's pool checks only connections idle for a while. One that the
 * server closed unseen fails at MAIL (no reply, or a 421 that names no limit or policy)
 * with nothing of the message sent: the message then goes out once more on a new
 * connection, within the same attempt (never after any of the body went out). A transport
 * is closed when idle past the idle timeout or used for the policy's messages per
 * connection; one that saw 421 or an I/O error is never returned.
 */
final class TransportPool implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(TransportPool.class);

	/** Opens a new connected transport. */
	@FunctionalInterface
	interface Connector {

		CapturingSmtpTransport connect() throws MessagingException;

	}

	private final Connector connector;

	private final Semaphore permits;

	private final int maxMessagesPerConnection;

	private final long idleTimeoutNanos;

	private final Ticker ticker;

	/** Idle at least this long, a connection is checked with NOOP before reuse. */
	static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(2);

	private final Deque<Idle> idle = new ArrayDeque<>();

	private boolean closed;

	private int opened;

	TransportPool(Connector connector, DeliveryPolicy.Pool policy, Ticker ticker) {
		this.connector = connector;
		this.permits = new Semaphore(policy.maxConnections(), true);
		this.maxMessagesPerConnection = policy.maxMessagesPerConnection();
		this.idleTimeoutNanos = policy.idleTimeout().toNanos();
		this.ticker = ticker;
	}

	/**
	 * Sends a message on a pooled transport, returning the transport to the pool unless
	 * the failure ended its connection.
	 */
	DeliveryReport send(MimeMessage message, List<InternetAddress> recipients) throws MessagingException {
		Lease lease;
		try {
			lease = acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessagingException("interrupted while waiting for a pooled SMTP connection", ex);
		}
		boolean reusable = false;
		Address[] addresses = recipients.toArray(new Address[0]);
		try {
			try {
				lease.transport().sendMessage(message, addresses);
			}
			catch (SmtpFailure failure) {
				if (lease.messages() == 0 || !diedWhileIdle(failure)) {
					throw failure;
				}
				log.debug("pooled connection was closed while idle ({}); sending on a new one", failure.getMessage());
				closeQuietly(lease.transport());
				lease = connectUnderPermit();
				lease.transport().sendMessage(message, addresses);
			}
			reusable = true;
			return lease.transport().lastDeliveryReport();
		}
		catch (SmtpFailure failure) {
			// after 421 or a broken connection the transport must not be used again
			reusable = failure.reply().isPresent() && failure.reply().get().code() != 421
					&& !(failure instanceof UncertainDelivery);
			throw failure;
		}
		finally {
			release(lease, reusable);
		}
	}

	/**
	 * A reused connection that ended before the transaction began: MAIL got no reply at
	 * all (closed, reset or silent past the read timeout) or 421 (the server closing the
	 * session), so no byte of the message went out. The NOOP the pool used to send before
	 * every reuse found the same and replaced the connection. A 421 that says why it
	 * closes (a rate or connection limit, greylisting, a policy) is the server's answer
	 * to this sender, not an idle timeout: sending again at once would only add to the
	 * limit, so it is an attempt like any other and waits for the retry schedule.
	 */
	private static boolean diedWhileIdle(SmtpFailure failure) {
		boolean noTransaction = failure.reply().isEmpty()
				|| (failure.reply().get().code() == 421 && !saysWhyItCloses(failure));
		return failure.command() == SmtpCommand.MAIL && noTransaction && !(failure instanceof UncertainDelivery)
				&& failure.recipientOutcomes().stream().noneMatch(RecipientOutcome::isDelivered);
	}

	private static boolean saysWhyItCloses(SmtpFailure failure) {
		FailureReason reason = failure.reason();
		return failure.kind().isPolicy() || reason == FailureReason.RATE_LIMITED
				|| reason == FailureReason.CONNECTION_LIMIT || reason == FailureReason.GREYLISTED;
	}

	/** A new connection for a lease whose permit is held. */
	private Lease connectUnderPermit() throws MessagingException {
		CapturingSmtpTransport transport = this.connector.connect();
		synchronized (this) {
			this.opened++;
		}
		return new Lease(transport, 0);
	}

	private record Idle(CapturingSmtpTransport transport, int messages, long since) {
	}

	/** A transport on loan, with the number of messages it has carried. */
	private record Lease(CapturingSmtpTransport transport, int messages) {
	}

	private Lease acquire() throws MessagingException, InterruptedException {
		this.permits.acquire();
		try {
			while (true) {
				Idle candidate;
				synchronized (this) {
					if (this.closed) {
						throw new IllegalStateException("MailDelivery is closed");
					}
					candidate = this.idle.pollFirst();
				}
				if (candidate == null) {
					return connectUnderPermit();
				}
				long idleNanos = this.ticker.nanoTime() - candidate.since();
				boolean fresh = idleNanos < this.idleTimeoutNanos;
				// isConnected() sends NOOP: only for a connection idle for a while
				boolean alive = (idleNanos < CHECK_AFTER_IDLE.toNanos()) ? candidate.transport().looksAlive()
						: candidate.transport().isConnected();
				if (fresh && alive) {
					return new Lease(candidate.transport(), candidate.messages());
				}
				closeQuietly(candidate.transport());
			}
		}
		catch (MessagingException | RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	private void release(Lease lease, boolean reusable) {
		try {
			int messages = lease.messages() + 1;
			boolean keep = reusable && messages < this.maxMessagesPerConnection;
			synchronized (this) {
				if (keep && !this.closed) {
					this.idle.addFirst(new Idle(lease.transport(), messages, this.ticker.nanoTime()));
					return;
				}
			}
			closeQuietly(lease.transport());
		}
		finally {
			this.permits.release();
		}
	}

	synchronized int opened() {
		return this.opened;
	}

	@Override
	public void close() {
		Deque<Idle> toClose;
		synchronized (this) {
			this.closed = true;
			toClose = new ArrayDeque<>(this.idle);
			this.idle.clear();
		}
		for (Idle entry : toClose) {
			closeQuietly(entry.transport());
		}
	}

	static void closeQuietly(CapturingSmtpTransport transport) {
		try {
			transport.close();
		}
		catch (MessagingException ex) {
			// a failed QUIT on a connection we are done with changes nothing
		}
	}

}
