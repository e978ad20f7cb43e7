package dev.resilientmail.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A raw TCP server on 127.0.0.1 for behaviour no well-meaning SMTP server has: endless
 * replies, megabyte lines, binary noise, silence. Each accepted connection runs the given
 * {@link Script} on a daemon thread; the server records how many bytes it wrote and when
 * the client closed the connection.
 */
final class HostileServer implements AutoCloseable {

	/** What the server does with one connection. */
	@FunctionalInterface
	interface Script {

		void run(Conversation conversation) throws IOException;

	}

	private final ServerSocket listener;

	private final Script script;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final CountDownLatch clientClosed = new CountDownLatch(1);

	private HostileServer(Script script) throws IOException {
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.script = script;
		Thread acceptor = new Thread(this::accept, "hostile-server-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static HostileServer start(Script script) throws IOException {
		return new HostileServer(script);
	}

	String host() {
		return "127.0.0.1";
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * Waits until the client closed its end of a connection (the server read EOF, or a
	 * write failed).
	 */
	boolean awaitClientClosed(long millis) throws InterruptedException {
		return this.clientClosed.await(millis, TimeUnit.MILLISECONDS);
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			Socket socket;
			try {
				socket = this.listener.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.sockets.add(socket);
			Thread worker = new Thread(() -> serve(socket), "hostile-server-conn");
			worker.setDaemon(true);
			worker.start();
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setSoTimeout(10_000);
			this.script.run(new Conversation(socket.getInputStream(), socket.getOutputStream()));
			// the script is done: wait for the client to hang up
			while (socket.getInputStream().read() != -1) {
				// discard what the client still sends
			}
			this.clientClosed.countDown();
		}
		catch (java.net.SocketTimeoutException ex) {
			// the client neither spoke nor hung up for 10 s: not a close
		}
		catch (IOException ex) {
			// the client closed the connection while we were writing or reading
			this.clientClosed.countDown();
		}
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	/** One connection, seen from the server. */
	final class Conversation {

		private final InputStream in;

		private final OutputStream out;

		Conversation(InputStream in, OutputStream out) {
			this.in = in;
			this.out = out;
		}

		/** Writes the text followed by CRLF. */
		void line(String text) throws IOException {
			write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
		}

		void write(byte[] bytes) throws IOException {
			for (int offset = 0; offset < bytes.length; offset += 8192) {
				int length = Math.min(8192, bytes.length - offset);
				this.out.write(bytes, offset, length);
				this.out.flush();
			}
		}

		/** Reads one command line, without its line end; null at EOF. */
		String command() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int c;
			while ((c = this.in.read()) != -1) {
				if (c == '\n') {
					String text = line.toString(StandardCharsets.US_ASCII);
					return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
				}
				line.write(c);
			}
			throw new IOException("client closed the connection");
		}

		/** Whether the client sent bytes not read yet (pipelined commands, say). */
		boolean pending() throws IOException {
			return this.in.available() > 0;
		}

		/** Greets and answers EHLO like a plain ESMTP server. */
		void greetAndEhlo() throws IOException {
			line("220 mx.hostile ESMTP");
			command();
			line("250-mx.hostile");
			line("250 8BITMIME");
		}

		/** Greets, answers EHLO and accepts MAIL FROM. */
		void upToMail() throws IOException {
			greetAndEhlo();
			command();
			line("250 2.1.0 Ok");
		}

		/** Answers whatever comes next with 250, and QUIT with 221. */
		void answerTheRest() throws IOException {
			while (true) {
				String command = command();
				if (command.regionMatches(true, 0, "QUIT", 0, 4)) {
					line("221 2.0.0 Bye");
					return;
				}
				line("250 2.0.0 Ok");
			}
		}

		/** Reads commands and never answers, until the client hangs up. */
		void silence() throws IOException {
			while (this.in.read() != -1) {
				// keep the connection open, say nothing
			}
			throw new IOException("client closed the connection");
		}

	}

}
