package dev.resilientmail.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test methods a {@link DataSource} on a new, empty database of one private
 * PostgreSQL server shared by every test class of the run (started on first use, stopped
 * when the run ends), or the {@link PostgresServer} itself.
 */
final class PostgresExtension implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(PostgresExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		Class<?> type = parameter.getParameter().getType();
		return type == DataSource.class || type == HikariDataSource.class || type == PostgresServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		PostgresServer server = context.getRoot()
			.getStore(NAMESPACE)
			.computeIfAbsent(PostgresServer.class, (key) -> PostgresServer.start(), PostgresServer.class);
		if (parameter.getParameter().getType() == PostgresServer.class) {
			return server;
		}
		HikariDataSource dataSource = server.newDatabase();
		// closed at the end of the test method (or class, for a class-level parameter)
		context.getStore(NAMESPACE).put(dataSource, (AutoCloseable) dataSource::close);
		return dataSource;
	}

}
