package dev.resilientmail.bounce;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMAP store a {@link BounceMailbox} reads: connected on first use and again after
 * the connection dropped. Not thread-safe: the mailbox calls it under its lock.
 */
final class ImapConnection {

	// the mailbox's log category, which users already configure
	private static final Logger logger = LoggerFactory.getLogger(BounceMailbox.class);

	private final Session session;

	private final boolean ssl;

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private Store store;

	ImapConnection(Properties settings, boolean ssl, String host, int port, String username, String password) {
		Properties properties = new Properties();
		properties.putAll(settings);
		this.session = Session.getInstance(properties);
		this.ssl = ssl;
		this.host = host;
		this.port = port;
		this.username = username;
		this.password = password;
	}

	Folder folder(String name) throws MessagingException {
		return store().getFolder(name);
	}

	/** The named folder, created when missing. */
	Folder target(String name) throws MessagingException {
		Folder folder = folder(name);
		if (!folder.exists() && !folder.create(Folder.HOLDS_MESSAGES)) {
			throw new MessagingException("cannot create folder " + name);
		}
		return folder;
	}

	boolean supportsIdle() throws MessagingException {
		return store() instanceof IMAPStore imap && imap.hasCapability("IDLE");
	}

	/**
	 * Waits until the server announces a change in the open folder (or the connection
	 * ends, or another thread closes the folder), at most {@code atMost}: IDLE is then
	 * ended and the caller reads the folder again. RFC 2177 asks clients to re-issue IDLE
	 * now and then, and a server may not announce a message that arrived between the last
	 * command and IDLE (GreenMail does not), which would otherwise wait for the next one.
	 */
	static void waitForChange(Folder folder, Duration atMost) throws MessagingException {
		if (folder instanceof IMAPFolder imap) {
			// a message that arrived after the poll would otherwise wait for the next
			// change the server announces; counted after the search for deleted ones,
			// so that one the server announced while answering it is counted too
			int deleted = imap.getDeletedMessageCount();
			if (imap.getMessageCount() - deleted > 0) {
				return;
			}
			AtomicBoolean refreshed = new AtomicBoolean();
			ScheduledFuture<?> refresh = IdleRefresh.TIMER.schedule(() -> {
				refreshed.set(true);
				closeQuietly(imap);
			}, atMost.toMillis(), TimeUnit.MILLISECONDS);
			try {
				imap.idle(true);
			}
			catch (MessagingException | IllegalStateException ex) {
				if (!refreshed.get()) {
					throw ex;
				}
			}
			finally {
				refresh.cancel(false);
			}
		}
	}

	private static void closeQuietly(Folder folder) {
		try {
			// closing the folder from another thread ends the IDLE (DONE)
			folder.close(false);
		}
		catch (MessagingException | IllegalStateException ex) {
			logger.debug("Bounce mailbox: ending IDLE failed", ex);
		}
	}

	/** One daemon thread for every mailbox's IDLE refresh, started on first IDLE. */
	private static final class IdleRefresh {

		static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "resilient-mail-idle-refresh");
			thread.setDaemon(true);
			return thread;
		});

	}

	void close() {
		if (this.store != null) {
			try {
				this.store.close();
			}
			catch (MessagingException ex) {
				logger.debug("Bounce mailbox: closing the store failed", ex);
			}
		}
	}

	private Store store() throws MessagingException {
		if (this.store == null || !this.store.isConnected()) {
			Store fresh = this.session.getStore(this.ssl ? "imaps" : "imap");
			fresh.connect(this.host, this.port, this.username, this.password);
			this.store = fresh;
		}
		return this.store;
	}

}
