package dev.resilientmail.example.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small scripted SMTP server on loopback for the demo: per-recipient replies to RCPT by
 * attempt number, a drop after the message body, and a count of copies delivered per
 * recipient.
 */
final class DemoSmtpServer implements AutoCloseable {

	private final ServerSocket socket;

	private final Map<String, List<String>> rcptReplies = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> rcptAttempts = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();

	private final Map<String, Boolean> dropAfterBody = new ConcurrentHashMap<>();

	private volatile boolean running = true;

	DemoSmtpServer() throws IOException {
		this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::acceptLoop, "demo-smtp");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.socket.getLocalPort();
	}

	/**
	 * Replies to RCPT for this address: the first for attempt 1, the next for 2, the last
	 * after.
	 */
	void onRcpt(String address, String... replies) {
		this.rcptReplies.put(address.toLowerCase(Locale.ROOT), List.of(replies));
	}

	/**
	 * Closes the connection after the body of a message to this address, before the final
	 * reply.
	 */
	void dropAfterBody(String address) {
		this.dropAfterBody.put(address.toLowerCase(Locale.ROOT), true);
	}

	int copiesDelivered(String address) {
		AtomicInteger count = this.delivered.get(address.toLowerCase(Locale.ROOT));
		return (count != null) ? count.get() : 0;
	}

	private void acceptLoop() {
		while (this.running) {
			try {
				Socket client = this.socket.accept();
				Thread handler = new Thread(() -> serve(client), "demo-smtp-session");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket client) {
		try (client;
				BufferedReader in = new BufferedReader(
						new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
				OutputStream out = client.getOutputStream()) {
			client.setSoTimeout(10_000);
			write(out, "220 demo.example ESMTP resilient-mail demo");
			List<String> accepted = new ArrayList<>();
			String line;
			while ((line = in.readLine()) != null) {
				String upper = line.toUpperCase(Locale.ROOT);
				if (upper.startsWith("EHLO")) {
					write(out, "250-demo.example\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME");
				}
				else if (upper.startsWith("MAIL")) {
					accepted.clear();
					write(out, "250 2.1.0 Ok");
				}
				else if (upper.startsWith("RCPT")) {
					String address = line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase(Locale.ROOT);
					String reply = rcptReply(address);
					if (reply.startsWith("2")) {
						accepted.add(address);
					}
					write(out, reply);
				}
				else if (upper.equals("DATA")) {
					write(out, "354 End data with <CR><LF>.<CR><LF>");
					while (!".".equals(in.readLine())) {
						// the content does not matter to the demo
					}
					if (accepted.stream().anyMatch(this.dropAfterBody::containsKey)) {
						return;
					}
					for (String address : accepted) {
						this.delivered.computeIfAbsent(address, (key) -> new AtomicInteger()).incrementAndGet();
					}
					write(out, "250 2.0.0 Ok: queued as DEMO" + System.nanoTime() % 100000);
				}
				else if (upper.startsWith("RSET") || upper.startsWith("NOOP")) {
					write(out, "250 2.0.0 Ok");
				}
				else if (upper.startsWith("QUIT")) {
					write(out, "221 2.0.0 Bye");
					return;
				}
				else {
					write(out, "502 5.5.2 Error: command not recognized");
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// a demo session ends as the client chooses
		}
	}

	private String rcptReply(String address) {
		List<String> replies = this.rcptReplies.get(address);
		if (replies == null) {
			return "250 2.1.5 Ok";
		}
		int attempt = this.rcptAttempts.computeIfAbsent(address, (key) -> new AtomicInteger()).incrementAndGet();
		return replies.get(Math.min(attempt, replies.size()) - 1);
	}

	private static void write(OutputStream out, String reply) throws IOException {
		out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	@Override
	public void close() throws IOException {
		this.running = false;
		this.socket.close();
	}

}
