package dev.resilientmail.reply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReplyCatalogTests {

	private final ReplyCatalog catalog = ReplyCatalog.standard();

	@Test
	void everyRegisteredCodeHasAMeaningAndReference() throws IOException {
		List<String> codes;
		try (InputStream in = getClass().getResourceAsStream("registry-codes.txt")) {
			codes = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.filter((line) -> !line.isBlank() && !line.startsWith("#"))
				.toList();
		}
		assertThat(codes).hasSizeGreaterThan(120);
		for (String code : codes) {
			ReplyCatalog.Entry entry;
			if (code.matches("\\d{3}")) {
				entry = this.catalog.basic(Integer.parseInt(code)).orElseThrow(() -> new AssertionError(code));
			}
			else if (code.endsWith(".X.X")) {
				entry = this.catalog.codeClass(Character.getNumericValue(code.charAt(0)));
			}
			else if (code.endsWith(".X")) {
				entry = this.catalog.subject(Integer.parseInt(code.split("\\.")[1]))
					.orElseThrow(() -> new AssertionError(code));
			}
			else {
				entry = this.catalog.enhanced(EnhancedStatusCode.parse(code.replace("X.", "5.")))
					.orElseThrow(() -> new AssertionError(code));
			}
			assertThat(entry.meaning()).as(code).isNotBlank();
			assertThat(entry.reference()).as(code).isNotBlank();
		}
	}

	@Test
	void unknownCodesAreEmptyAndDescribedByTheirSubject() {
		assertThat(this.catalog.basic(999)).isEmpty();
		assertThat(this.catalog.enhanced(EnhancedStatusCode.parse("5.7.133"))).isEmpty();
		assertThat(this.catalog.describe(EnhancedStatusCode.parse("5.7.133"))).contains("security or policy");
		assertThat(this.catalog.describe(EnhancedStatusCode.parse("4.2.2"))).contains("full").contains("Temporary");
		assertThat(this.catalog.describeBasic(599)).contains("permanent");
	}

	@Test
	void invalidClassIsRejectedWithTheAllowedValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.catalog.codeClass(3))
			.withMessageContaining("2, 4 or 5");
	}

}
