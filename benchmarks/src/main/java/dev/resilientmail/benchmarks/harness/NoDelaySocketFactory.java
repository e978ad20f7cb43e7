package dev.resilientmail.benchmarks.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

import javax.net.SocketFactory;

/**
 * Plain sockets with {@code TCP_NODELAY}, for Angus Mail's
 * {@code mail.smtp.socketFactory} (with STARTTLS the TLS socket wraps this one, so it
 * applies there too). Angus leaves Nagle's algorithm on; a message larger than Angus's 8
 * KiB output buffer then leaves in two writes and the second waits for the server's
 * delayed ACK, about 40 ms on Linux. Used to show that cost, and to drain the memory
 * benchmark's queue quickly.
 */
final class NoDelaySocketFactory extends SocketFactory {

	private final SocketFactory plain = SocketFactory.getDefault();

	@Override
	public Socket createSocket() throws IOException {
		return noDelay(this.plain.createSocket());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return noDelay(this.plain.createSocket(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return noDelay(this.plain.createSocket(host, port, localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return noDelay(this.plain.createSocket(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return noDelay(this.plain.createSocket(address, port, localAddress, localPort));
	}

	private static Socket noDelay(Socket socket) throws SocketException {
		socket.setTcpNoDelay(true);
		return socket;
	}

}
