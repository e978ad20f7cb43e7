package dev.resilientmail.benchmarks.harness;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLSocket;

import jakarta.mail.internet.MimeMessage;

/**
 * A minimal SMTP client on a raw socket, with no MIME or Jakarta Mail work: it sends the
 * pre-serialized bytes of each message. It measures what the sink can take, to show the
 * sink is not what limits the real contenders: lock-step on one connection (the same
 * exchanges as Angus), pipelined on one connection (MAIL, RCPT and DATA in one write), or
 * a new connection per message (greeting, EHLO, with TLS STARTTLS, EHLO and AUTH PLAIN,
 * then the transaction and QUIT, like one {@code JavaMailSenderImpl.send}).
 */
final class RawSmtpContender implements Contender {

	enum Mode {

		LOCKSTEP, PIPELINED, CONNECT_PER_MESSAGE

	}

	private static final byte[] ENVELOPE = ("MAIL FROM:<" + TestMessages.FROM + ">\r\nRCPT TO:<" + TestMessages.TO
			+ ">\r\nDATA\r\n")
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END = ".\r\n".getBytes(StandardCharsets.US_ASCII);

	private final String name;

	private final Sink sink;

	private final Mode mode;

	private final List<byte[]> wire;

	private final int readTimeoutMillis = (int) Sink.TIMEOUT.toMillis();

	private Connection connection;

	RawSmtpContender(String name, Sink sink, Mode mode, List<byte[]> wire) {
		this.name = name;
		this.sink = sink;
		this.mode = mode;
		this.wire = wire;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String description() {
		String what = switch (this.mode) {
			case LOCKSTEP -> "one connection, lock-step MAIL/RCPT/DATA/body like Angus";
			case PIPELINED -> "one connection, MAIL+RCPT+DATA pipelined in one write";
			case CONNECT_PER_MESSAGE -> "a connection per message like JavaMailSenderImpl";
		};
		return "sink check: raw-socket client, no MIME work, " + what + (this.sink.tls() ? ", STARTTLS + AUTH" : "");
	}

	@Override
	public Sink sink() {
		return this.sink;
	}

	@Override
	public void beginRound() throws IOException {
		if (this.mode != Mode.CONNECT_PER_MESSAGE) {
			this.connection = open();
		}
	}

	@Override
	public void send(MimeMessage message, int index) throws IOException {
		byte[] bytes = this.wire.get(index);
		if (this.mode == Mode.CONNECT_PER_MESSAGE) {
			try (Connection connection = open()) {
				connection.lockstep(bytes);
				connection.command("QUIT", 221);
			}
		}
		else if (this.mode == Mode.PIPELINED) {
			this.connection.pipelined(bytes);
		}
		else {
			this.connection.lockstep(bytes);
		}
	}

	@Override
	public void endRound() throws IOException {
		if (this.connection != null) {
			this.connection.command("QUIT", 221);
			this.connection.close();
			this.connection = null;
		}
	}

	private Connection open() throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(new InetSocketAddress(this.sink.host(), this.sink.port()), this.readTimeoutMillis);
		socket.setSoTimeout(this.readTimeoutMillis);
		Connection connection = new Connection(socket);
		connection.expect(220);
		connection.command("EHLO bench.example", 250);
		if (this.sink.tls()) {
			connection.command("STARTTLS", 220);
			SSLSocket tls = (SSLSocket) this.sink.server()
				.clientSslSocketFactory()
				.createSocket(socket, this.sink.host(), this.sink.port(), true);
			tls.startHandshake();
			connection = new Connection(tls);
			connection.command("EHLO bench.example", 250);
			String plain = Base64.getEncoder()
				.encodeToString(("\0" + Sink.USER + "\0" + Sink.PASSWORD).getBytes(StandardCharsets.UTF_8));
			connection.command("AUTH PLAIN " + plain, 235);
		}
		return connection;
	}

	/** One SMTP connection: buffered streams and a reply reader. */
	private static final class Connection implements AutoCloseable {

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			this.in = new BufferedInputStream(socket.getInputStream(), 8192);
			this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
		}

		void command(String line, int expected) throws IOException {
			this.out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
			this.out.flush();
			expect(expected);
		}

		void lockstep(byte[] message) throws IOException {
			command("MAIL FROM:<" + TestMessages.FROM + ">", 250);
			command("RCPT TO:<" + TestMessages.TO + ">", 250);
			command("DATA", 354);
			this.out.write(message);
			this.out.write(END);
			this.out.flush();
			expect(250);
		}

		void pipelined(byte[] message) throws IOException {
			this.out.write(ENVELOPE);
			this.out.flush();
			expect(250);
			expect(250);
			expect(354);
			this.out.write(message);
			this.out.write(END);
			this.out.flush();
			expect(250);
		}

		/** Reads one (possibly multi-line) reply and checks its code. */
		void expect(int expected) throws IOException {
			while (true) {
				int c0 = this.in.read();
				int c1 = this.in.read();
				int c2 = this.in.read();
				int separator = this.in.read();
				int c;
				while ((c = this.in.read()) != '\n') {
					if (c == -1) {
						throw new IOException("connection closed while reading a reply");
					}
				}
				if (c0 < 0 || c1 < 0 || c2 < 0) {
					throw new IOException("connection closed while reading a reply");
				}
				int code = (c0 - '0') * 100 + (c1 - '0') * 10 + (c2 - '0');
				if (separator != '-') {
					if (code != expected) {
						throw new IOException("expected " + expected + ", got " + code);
					}
					return;
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
