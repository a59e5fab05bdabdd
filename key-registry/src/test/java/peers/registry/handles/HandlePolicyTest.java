package peers.registry.handles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import peers.registry.handles.InvalidHandle.Reason;

/**
 * Tests for {@link HandlePolicy}. Non-ASCII test data is written as Java escapes so that every
 * code point is visible in review; the comment next to each says what it is.
 */
class HandlePolicyTest {

    private static final HandlePolicy POLICY = HandlePolicy.defaults();

    private static Handle ok(String input) {
        return POLICY.check(input);
    }

    private static InvalidHandle refused(String input, Reason reason) {
        InvalidHandle e = assertThrows(InvalidHandle.class, () -> POLICY.check(input));
        assertEquals(reason, e.reason(), () -> "reason for " + codePoints(input) + ", message: " + e.getMessage());
        return e;
    }

    private static void assertMessageContains(InvalidHandle e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message should contain '" + part + "': " + e.getMessage());
        }
    }

    private static String codePoints(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(40).forEach(cp -> b.append(String.format("U+%04X ", cp)));
        return b.toString().trim();
    }

    private static String astral(int codePoint, int count) {
        return new String(Character.toChars(codePoint)).repeat(count);
    }

    @Nested
    class Required {

        @Test
        void nullAndEmptyAreRequired() {
            refused(null, Reason.REQUIRED);
            InvalidHandle e = refused("", Reason.REQUIRED);
            assertMessageContains(e, "required");
        }

        @Test
        void blankIsNotSilentlyTrimmed() {
            InvalidHandle e = refused("   ", Reason.BAD_CHARACTER);
            assertMessageContains(e, "U+0020 SPACE");
            refused(" alice", Reason.BAD_CHARACTER);
        }
    }

    @Nested
    class Normalization {

        @Test
        void caseIsFolded() {
            Handle h = ok("Alice");
            assertEquals("alice", h.normalized());
            assertEquals(ok("alice"), h);
            assertEquals(ok("ALICE"), h);
        }

        @Test
        void fullwidthFormsAreFolded() {
            // FULLWIDTH LATIN CAPITAL LETTER A L I C E
            Handle h = ok("\uFF21\uFF2C\uFF29\uFF23\uFF25");
            assertEquals("alice", h.normalized());
            assertEquals(ok("alice"), h);
        }

        @Test
        void compatibilityCharactersAreDecomposed() {
            // LATIN SMALL LIGATURE FI + "sh"
            assertEquals("fish", ok("\uFB01sh").normalized());
            // a single LATIN SMALL LIGATURE FFI is one input character but three code points once normalized
            assertEquals("ffi", ok("\uFB03").normalized());
            // MATHEMATICAL BOLD SMALL A (U+1D41A, astral) + "lice"
            assertEquals("alice", ok(new String(Character.toChars(0x1D41A)) + "lice").normalized());
            // sharp s is case-folded to "ss"
            assertEquals("strasse", ok("Stra\u00DFe").normalized());
            // SUPERSCRIPT TWO
            assertEquals("x2y", ok("x\u00B2y").normalized());
            // FULLWIDTH FULL STOP becomes an ordinary separator
            assertEquals("alice.x", ok("alice\uFF0Ex").normalized());
        }

        @Test
        void combiningSequencesAreComposed() {
            // "cafe" + COMBINING ACUTE ACCENT and precomposed "caf" + U+00E9 are the same handle
            Handle decomposed = ok("cafe\u0301");
            Handle precomposed = ok("caf\u00E9");
            assertEquals(precomposed, decomposed);
            assertEquals("caf\u00E9", decomposed.normalized());
        }

        @Test
        void cyrillicCaseIsFolded() {
            // CYRILLIC CAPITAL "АЛИСА" -> small "алиса"
            assertEquals("\u0430\u043B\u0438\u0441\u0430", ok("\u0410\u041B\u0418\u0421\u0410").normalized());
        }
    }

    @Nested
    class Length {

        @Test
        void latinBoundaries() {
            refused("ab", Reason.TOO_SHORT);
            assertEquals("abc", ok("abc").normalized());
            assertEquals("a".repeat(32), ok("a".repeat(32)).normalized());
            refused("a".repeat(33), Reason.TOO_LONG);
        }

        @Test
        void astralLettersCountAsOneCodePoint() {
            // CJK UNIFIED IDEOGRAPH-20000: Lo, outside the BMP, two UTF-16 units each
            refused(astral(0x20000, 2), Reason.TOO_SHORT);
            Handle three = ok(astral(0x20000, 3));
            assertEquals(6, three.normalized().length());
            Handle thirtyTwo = ok(astral(0x20000, 32));
            assertEquals(64, thirtyTwo.normalized().length());
            refused(astral(0x20000, 33), Reason.TOO_LONG);
        }

        @Test
        void lengthIsMeasuredAfterNormalization() {
            // two input characters, but LATIN SMALL LIGATURE FF expands to "ff": three code points
            assertEquals("aff", ok("a\uFB00").normalized());
            // "a" + COMBINING ACUTE ACCENT + "b" composes to two code points...
            refused("a\u0301b", Reason.TOO_SHORT);
            // ...while "b" + COMBINING ACUTE ACCENT has no precomposed form and stays three
            assertEquals(3, ok("ab\u0301").normalized().codePoints().count());
            // Devanagari "namaste": 6 code points including the virama and a vowel sign
            assertEquals(6, ok("\u0928\u092E\u0938\u094D\u0924\u0947").normalized().codePoints().count());
        }

        @Test
        void tooShortMessageSaysWhatToDo() {
            InvalidHandle e = refused("ab", Reason.TOO_SHORT);
            assertMessageContains(e, "2", "at least 3");
            InvalidHandle f = refused("a".repeat(33), Reason.TOO_LONG);
            assertMessageContains(f, "at most 32");
        }

        @Test
        void rawInputIsBoundedBeforeAnyOtherRule() {
            // 256 invisible characters are inside the bound and reach the invisible-character rule...
            refused("\u200B".repeat(HandlePolicy.MAX_INPUT_CHARS), Reason.BAD_CHARACTER);
            // ...257 are refused by the bound before anything looks at them.
            refused("\u200B".repeat(HandlePolicy.MAX_INPUT_CHARS + 1), Reason.TOO_LONG);
        }

        @Test
        void tenThousandCharacterInputIsRefusedQuickly() {
            // Would give BAD_CHARACTER if the invisible-character scan ran before the bound.
            refused("\u200B".repeat(10_000), Reason.TOO_LONG);
            refused("a".repeat(10_000), Reason.TOO_LONG);
            // ARABIC LIGATURE SALLALLAHOU ALAYHE WASALLAM expands to 18 code points under NFKC;
            // normalizing 10,000 of them 10,000 times takes seconds, refusing them unread does not.
            String huge = "\uFDFA".repeat(10_000);
            assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                for (int i = 0; i < 10_000; i++) {
                    assertEquals(Reason.TOO_LONG,
                            assertThrows(InvalidHandle.class, () -> POLICY.check(huge)).reason());
                }
            });
        }
    }

    @Nested
    class Characters {

        @ParameterizedTest(name = "[{index}] {2}")
        @CsvSource(delimiter = '|', textBlock = """
                0020 | U+0020 SPACE                    | space
                3000 | U+3000 IDEOGRAPHIC SPACE        | ideographic space (normalizes to a space)
                1F600| U+1F600 GRINNING FACE           | emoji
                2764 | U+2764 HEAVY BLACK HEART        | dingbat
                0024 | U+0024 DOLLAR SIGN              | currency symbol
                002B | U+002B PLUS SIGN                | math symbol
                0040 | U+0040 COMMERCIAL AT            | at sign
                0021 | U+0021 EXCLAMATION MARK         | punctuation
                0027 | U+0027 APOSTROPHE               | apostrophe
                002F | U+002F SOLIDUS                  | slash
                3002 | U+3002 IDEOGRAPHIC FULL STOP    | CJK punctuation
                0007 | U+0007                          | control character
                007F | U+007F                          | delete
                2028 | U+2028 LINE SEPARATOR           | line separator
                E000 | U+E000                          | private use
                0378 | U+0378                          | unassigned
                2780 | U+2780                          | circled digit (No)
                20E3 | U+20E3 COMBINING ENCLOSING KEYCAP | enclosing mark
                """)
        void disallowedCharacterIsNamed(String hex, String expectedName, String what) {
            String ch = new String(Character.toChars(Integer.parseInt(hex.strip(), 16)));
            InvalidHandle e = refused("ali" + ch + "ce", Reason.BAD_CHARACTER);
            assertMessageContains(e, expectedName.strip());
        }

        @Test
        void normalizedOffenderNamesTheTypedCharacter() {
            // NO-BREAK SPACE normalizes to SPACE; the message names both
            InvalidHandle e = refused("ali\u00A0ce", Reason.BAD_CHARACTER);
            assertMessageContains(e, "U+00A0 NO-BREAK SPACE", "U+0020 SPACE", "replace them with");
        }

        @ParameterizedTest(name = "[{index}] U+{0}")
        @ValueSource(strings = {
            "200B", // ZERO WIDTH SPACE
            "200C", // ZERO WIDTH NON-JOINER
            "200D", // ZERO WIDTH JOINER
            "2060", // WORD JOINER
            "FEFF", // ZERO WIDTH NO-BREAK SPACE (BOM)
            "00AD", // SOFT HYPHEN
            "FE0F", // VARIATION SELECTOR-16 (emoji presentation)
            "034F", // COMBINING GRAPHEME JOINER
            "200E", // LEFT-TO-RIGHT MARK
            "200F", // RIGHT-TO-LEFT MARK
            "202E", // RIGHT-TO-LEFT OVERRIDE
            "2066", // LEFT-TO-RIGHT ISOLATE
            "061C", // ARABIC LETTER MARK
            "3164", // HANGUL FILLER
            "E0061", // TAG LATIN SMALL LETTER A
        })
        void invisibleCharactersAreRefusedNotSilentlyDropped(String hex) {
            // NFKC_Casefold would delete all of these and yield the valid "alice".
            String ch = new String(Character.toChars(Integer.parseInt(hex, 16)));
            InvalidHandle e = refused("al" + ch + "ice", Reason.BAD_CHARACTER);
            assertMessageContains(e, "U+" + hex, "invisible");
        }

        @Test
        void zeroWidthSpaceMessageIsSpecific() {
            InvalidHandle e = refused("al\u200Bice", Reason.BAD_CHARACTER);
            assertMessageContains(e, "U+200B ZERO WIDTH SPACE", "remove it");
        }

        @Test
        void loneSurrogateIsRefused() {
            InvalidHandle e = refused("ali\uD800ce", Reason.BAD_CHARACTER);
            assertMessageContains(e, "U+D800");
        }

        @Test
        void combiningMarksOnlyAfterLetters() {
            // accents on letters are fine, also several different ones stacked
            ok("cafe\u0301");
            ok("a\u0301\u0302bc");
            // Vietnamese e + COMBINING DOT BELOW + COMBINING CIRCUMFLEX composes to U+1EC7
            assertEquals("vi\u1EC7t", ok("vie\u0323\u0302t").normalized());
            // mark at the start, after a digit, after a separator
            InvalidHandle start = refused("\u0301abc", Reason.BAD_CHARACTER);
            assertMessageContains(start, "U+0301 COMBINING ACUTE ACCENT", "letter");
            refused("abc1\u0301", Reason.BAD_CHARACTER);
            refused("ab-\u0301c", Reason.BAD_CHARACTER);
        }

        @Test
        void repeatedCombiningMarkIsRefused() {
            // the same mark twice on one letter renders like once (SpoofChecker INVISIBLE)
            InvalidHandle middle = refused("cafe\u0301\u0301s", Reason.BAD_CHARACTER);
            assertMessageContains(middle, "U+0301", "duplicate");
            // at the very end (ICU4J's own INVISIBLE check misses this one; the policy must not)
            InvalidHandle end = refused("cafe\u0301\u0301", Reason.BAD_CHARACTER);
            assertMessageContains(end, "U+0301", "duplicate");
            // on a letter without a precomposed form, with another mark in between
            refused("xyzb\u0301\u0323\u0301", Reason.BAD_CHARACTER);
            // the same accent on different letters is fine
            assertEquals("\u00E9t\u00E9", ok("e\u0301te\u0301").normalized());
        }

        @Test
        void lettersOfManyKindsAreAccepted() {
            ok("\u00F1and\u00FA");                     // Latin with accents (Ll)
            ok("\u0394\u03B7\u03BC\u03AE\u03C4\u03C1\u03B7\u03C2"); // Greek
            ok("\u05D3\u05E0\u05D4");                  // Hebrew (Lo)
            ok("\u0645\u0631\u062D\u0628\u0627");      // Arabic (Lo)
            ok("\u0928\u092E\u0938\u094D\u0924\u0947"); // Devanagari with virama and vowel sign (Mn)
            ok("\u0E2A\u0E21\u0E0A\u0E32\u0E22");      // Thai
            ok("\u30AB\u30FC\u30C8");                  // Katakana with U+30FC PROLONGED SOUND MARK (Lm)
            ok("\u4EBA\u3005\u4EBA");                  // Han with U+3005 IDEOGRAPHIC ITERATION MARK (Lm)
        }

        @Test
        void digitsAndSeparatorsAreAccepted() {
            assertEquals("alice2024", ok("alice2024").normalized());
            assertEquals("123", ok("123").normalized());
            assertEquals("a.b_c-d", ok("a.b_c-d").normalized());
            // ARABIC-INDIC digits with Arabic letters
            ok("\u0645\u0631\u062D\u0628\u0627\u0661\u0662");
        }
    }

    @Nested
    class Separators {

        @ParameterizedTest
        @ValueSource(strings = {".alice", "_alice", "-alice"})
        void leadingSeparatorIsRefused(String input) {
            InvalidHandle e = refused(input, Reason.BAD_SEPARATOR);
            assertMessageContains(e, "start");
        }

        @ParameterizedTest
        @ValueSource(strings = {"alice.", "alice_", "alice-"})
        void trailingSeparatorIsRefused(String input) {
            InvalidHandle e = refused(input, Reason.BAD_SEPARATOR);
            assertMessageContains(e, "end");
        }

        @ParameterizedTest
        @ValueSource(strings = {"al..ice", "al__ice", "al--ice", "al._ice", "al-.ice", "a_-b"})
        void adjacentSeparatorsAreRefused(String input) {
            InvalidHandle e = refused(input, Reason.BAD_SEPARATOR);
            assertMessageContains(e, "in a row");
        }

        @Test
        void onlySeparatorsIsRefused() {
            refused("...", Reason.BAD_SEPARATOR);
        }

        @Test
        void singleSeparatorsBetweenLettersAndDigitsAreFine() {
            ok("a.l_i-c.e");
            ok("1-2_3");
            // a handle may end with a letter that carries a combining mark
            ok("ab.cafe\u0301");
        }

        @Test
        void fullwidthSeparatorsNormalizeThenFollowTheSameRules() {
            // FULLWIDTH FULL STOP at the start becomes '.' at the start
            refused("\uFF0Ealice", Reason.BAD_SEPARATOR);
            // FULLWIDTH HYPHEN-MINUS twice
            refused("al\uFF0D\uFF0Dice", Reason.BAD_SEPARATOR);
        }
    }

    @Nested
    class Scripts {

        @Test
        void latinMixedWithCyrillicIsRefused() {
            // CYRILLIC SMALL LETTER A + "lice"
            InvalidHandle e = refused("\u0430lice", Reason.MIXED_SCRIPT);
            assertMessageContains(e, "Latin", "Cyrillic", "U+0430 CYRILLIC SMALL LETTER A", "one script");
        }

        @Test
        void latinMixedWithGreekIsRefused() {
            refused("abc\u03B1", Reason.MIXED_SCRIPT);   // GREEK SMALL LETTER ALPHA
            refused("\u03BFmega", Reason.MIXED_SCRIPT);  // GREEK SMALL LETTER OMICRON
        }

        @Test
        void latinMixedWithArabicIsRefusedAtHighlyRestrictive() {
            // Moderately Restrictive would allow this; Highly Restrictive does not.
            refused("abc\u0645\u0631\u062D\u0628\u0627", Reason.MIXED_SCRIPT);
        }

        @Test
        void twoNonLatinScriptsAreRefused() {
            refused("\u0430\u043B\u0438\u03B1", Reason.MIXED_SCRIPT); // Cyrillic + Greek
            refused("\u7530\u4E2D\u0430\u043B\u0438", Reason.MIXED_SCRIPT); // Han + Cyrillic
        }

        @Test
        void singleNonLatinScriptsAreAccepted() {
            assertEquals("\u0430\u043B\u0438\u0441\u0430", ok("\u0430\u043B\u0438\u0441\u0430").normalized()); // алиса
            ok("\u0430\u043B\u0438\u0441\u0430_1990"); // Cyrillic with ASCII digits and separator (Common)
            ok("\u03B1\u03BB\u03AF\u03BA\u03B7");     // Greek
        }

        @Test
        void japaneseChineseAndKoreanAreAccepted() {
            ok("\u305F\u306A\u304B");                 // たなか (Hiragana)
            ok("\u30BF\u30CA\u30AB");                 // タナカ (Katakana)
            ok("\u7530\u4E2D\u592A");                 // 田中太 (Han)
            // Real behaviour: a two-character Han name such as 田中 is below the 3 code point minimum.
            refused("\u7530\u4E2D", Reason.TOO_SHORT);
        }

        @Test
        void cjkCombinationsAllowedByHighlyRestrictive() {
            ok("\u7530\u4E2D\u592A");                 // 田中太 (Han)
            ok("\u7530\u4E2D\u305F\u306A\u304B");     // 田中たなか (Han + Hiragana)
            ok("\u7530\u4E2D\u30BF\u30ED\u30A6");     // Han + Katakana
            ok("tanaka\u7530\u4E2D");                 // Latin + Han
            ok("tanaka\u305F\u306A\u304B");           // Latin + Hiragana
            ok("\u738B\u5C0F\u660E");                 // 王小明 (Chinese)
            ok("\u738B\u3125\u3128");                 // Han + Bopomofo
            ok("\uAE40\uBBFC\uC218");                 // 김민수 (Hangul)
            ok("kim\uAE40\uBBFC\uC218");              // Latin + Hangul
            ok("\uAE40\u91D1\uBBFC");                 // Hangul + Han
            // but not Hangul with Japanese kana
            refused("\uAE40\u305F\u306A", Reason.MIXED_SCRIPT);
        }

        @Test
        void mixedDigitSystemsAreRefused() {
            // Arabic letters with ASCII 1 and ARABIC-INDIC DIGIT ONE
            InvalidHandle e = refused("\u0645\u0631\u062D\u0628\u06271\u0661", Reason.MIXED_SCRIPT);
            assertMessageContains(e, "numbering systems", "U+0031 DIGIT ONE", "U+0661 ARABIC-INDIC DIGIT ONE");
            // ARABIC-INDIC and EXTENDED ARABIC-INDIC digits
            refused("\u0645\u0631\u062D\u0628\u0627\u0661\u06F1", Reason.MIXED_SCRIPT);
            // Devanagari letters with DEVANAGARI DIGIT ONE and ASCII 2
            refused("\u0928\u092E\u0938\u094D\u0924\u0947\u09672", Reason.MIXED_SCRIPT);
            // Latin with ARABIC-INDIC digits also mixes scripts
            refused("abc\u0661\u0662", Reason.MIXED_SCRIPT);
        }

        @Test
        void singleDigitSystemsAreAccepted() {
            ok("\u0928\u092E\u0938\u094D\u0924\u0947\u0967\u0968"); // Devanagari letters and digits
            ok("\u0645\u0631\u062D\u0628\u0627\u0661\u0662");       // Arabic letters and digits
            ok("\u0928\u092E\u0938\u094D\u0924\u094712");          // Devanagari letters, ASCII digits
        }
    }

    @Nested
    class Skeletons {

        @Test
        void caseAndWidthVariantsShareTheSkeleton() {
            assertEquals(ok("alice").skeleton(), ok("ALICE").skeleton());
            assertEquals(ok("alice").skeleton(), ok("\uFF41\uFF4C\uFF49\uFF43\uFF45").skeleton());
        }

        @Test
        void latinLookalikesShareTheSkeleton() {
            // LATIN SMALL LETTER ALPHA (U+0251) is Latin, so it passes the script rule...
            Handle alpha = ok("\u0251lice");
            assertNotEquals("alice", alpha.normalized());
            // ...but it is the same handle as "alice" for uniqueness.
            assertEquals(ok("alice").skeleton(), alpha.skeleton());
        }

        @Test
        void rnAndMAreConfusable() {
            Handle arnie = ok("arnie");
            Handle amie = ok("amie");
            assertNotEquals(arnie.normalized(), amie.normalized());
            assertEquals(arnie.skeleton(), amie.skeleton());
        }

        @Test
        void digitOneAndLetterLAreConfusable() {
            assertEquals(ok("paypal").skeleton(), ok("paypa1").skeleton());
        }

        @Test
        void capitalIIsFoldedBeforeTheSkeleton() {
            // Real behaviour: case folding turns I into i first, and "paypai" is not "paypal".
            Handle capitalI = ok("paypaI");
            assertEquals("paypai", capitalI.normalized());
            assertNotEquals(ok("paypal").skeleton(), capitalI.skeleton());
        }

        @Test
        void digitZeroMapsToCapitalOAndSoDiffersFromSmallO() {
            // Real behaviour of UTS #39 skeletons after case folding: 0 -> O, so "r00t" != "root".
            assertNotEquals(ok("root2").skeleton(), ok("r00t2").skeleton());
        }

        @Test
        void wholeScriptConfusablesShareTheSkeleton() {
            // All-Cyrillic "соре" (es, o, er, ie) passes the script rule, but collides with Latin "cope"
            Handle cyrillic = ok("\u0441\u043E\u0440\u0435");
            assertEquals(ok("cope").skeleton(), cyrillic.skeleton());
            // All-Cyrillic "раура" + ASCII 1 collides with "paypal"
            assertEquals(ok("paypal").skeleton(), ok("\u0440\u0430\u0443\u0440\u04301").skeleton());
        }

        @Test
        void cyrillicALiceIsRefusedBeforeItCouldCollide() {
            // Its skeleton would equal that of "alice"; the script rule refuses it first.
            refused("\u0430lice", Reason.MIXED_SCRIPT);
        }

        @Test
        void differentHandlesHaveDifferentSkeletons() {
            assertNotEquals(ok("alice").skeleton(), ok("alicia").skeleton());
            assertNotEquals(ok("alice").skeleton(), ok("a.lice").skeleton());
            assertNotEquals(ok("bob").skeleton(), ok("dob").skeleton());
        }
    }

    @Nested
    class Reserved {

        @ParameterizedTest
        @ValueSource(strings = {"admin", "ADMIN", "Admin", "root", "support", "noreply", "no-reply", "peers",
            "registry", "www", "api", "test", "null", "anonymous", "mod"})
        void builtInNamesAreReserved(String input) {
            InvalidHandle e = refused(input, Reason.RESERVED);
            assertMessageContains(e, "reserved", "choose a different one");
        }

        @Test
        void fullwidthReservedNameIsReserved() {
            refused("\uFF41\uFF44\uFF4D\uFF49\uFF4E", Reason.RESERVED); // ａｄｍｉｎ
        }

        @ParameterizedTest
        @ValueSource(strings = {"ad.min", "a-d-m-i-n", "no_reply", "no.reply", "sup_port"})
        void separatorsDoNotEvadeReservation(String input) {
            refused(input, Reason.RESERVED);
        }

        @Test
        void confusablesOfReservedNamesAreReserved() {
            InvalidHandle alpha = refused("\u0251dmin", Reason.RESERVED);            // Latin alpha + "dmin"
            assertMessageContains(alpha, "looks too similar", "\"admin\"");
            refused("\u2C6Ddmin", Reason.RESERVED);                                  // LATIN CAPITAL ALPHA, folded
            refused("rnod", Reason.RESERVED);                                        // looks like "mod"
            refused("rnail", Reason.RESERVED);                                       // looks like "mail"
            refused("\u0430\u0440\u0456", Reason.RESERVED);                          // Cyrillic "арі" looks like "api"
            refused("\u03B1\u03C1\u03B9", Reason.RESERVED);                          // Greek "αρι" looks like "api"
            refused("\u051D\u051D\u051D", Reason.RESERVED);                          // Cyrillic "ԝԝԝ" looks like "www"
            refused("nu11", Reason.RESERVED);                                        // digit one looks like l
        }

        @Test
        void mixedScriptConfusableOfReservedNameIsRefused() {
            // Cyrillic а + "dmin": refused (by the script rule, which comes first)
            refused("\u0430dmin", Reason.MIXED_SCRIPT);
        }

        @Test
        void digitLookalikesThatUts39DoesNotMapAreNotReserved() {
            // Real behaviour: UTS #39 maps 1 -> l and 0 -> O (capital), so "adm1n" ("adrnln") and
            // "r00t" ("rOOt") do not share a skeleton with "admin" ("adrnin") or "root".
            assertEquals("adm1n", ok("adm1n").normalized());
            assertEquals("r00t", ok("r00t").normalized());
        }

        @Test
        void reservationIsWholeHandleNotSubstring() {
            ok("admins");
            ok("alice.admin");
            ok("rooted");
        }

        @Test
        void extraReservedNamesAreNormalizedAndCompared() {
            HandlePolicy policy = new HandlePolicy(Set.of(" Acme ", "Peers-Team", "  "));
            assertEquals(Reason.RESERVED, assertThrows(InvalidHandle.class, () -> policy.check("acme")).reason());
            assertEquals(Reason.RESERVED, assertThrows(InvalidHandle.class, () -> policy.check("ACME")).reason());
            assertEquals(Reason.RESERVED,
                    assertThrows(InvalidHandle.class, () -> policy.check("\uFF41\uFF43\uFF4D\uFF45")).reason());
            assertEquals(Reason.RESERVED, assertThrows(InvalidHandle.class, () -> policy.check("peersteam")).reason());
            assertEquals(Reason.RESERVED, assertThrows(InvalidHandle.class, () -> policy.check("peers.team")).reason());
            // built-ins still apply
            assertEquals(Reason.RESERVED, assertThrows(InvalidHandle.class, () -> policy.check("admin")).reason());
            // and the default policy does not reserve the extras
            assertEquals("acme", ok("acme").normalized());
            assertTrue(policy.reservedNames().containsAll(Set.of("acme", "peers-team", "admin")));
        }

        @Test
        void badExtraReservedNamesAreRejectedAtConstruction() {
            Set<String> withNull = new HashSet<>(Arrays.asList("acme", null));
            assertThrows(NullPointerException.class, () -> new HandlePolicy(withNull));
            assertThrows(IllegalArgumentException.class, () -> new HandlePolicy(Set.of("--")));
            assertThrows(NullPointerException.class, () -> new HandlePolicy(null));
        }

        @Test
        void builtInListIsExposed() {
            assertTrue(HandlePolicy.BUILT_IN_RESERVED.containsAll(List.of("admin", "root", "noreply", "no-reply", "test")));
            assertTrue(HandlePolicy.defaults().reservedNames().containsAll(List.of("admin", "www")));
        }
    }

    @Nested
    class Api {

        @Test
        void reasonsAreStable() {
            assertEquals(List.of("REQUIRED", "TOO_SHORT", "TOO_LONG", "BAD_CHARACTER", "BAD_SEPARATOR",
                    "MIXED_SCRIPT", "RESERVED"), Arrays.stream(Reason.values()).map(Enum::name).toList());
        }

        @Test
        void policyIsSafeToShareBetweenThreads() throws Exception {
            List<String> inputs = List.of("Alice", "\u0430lice", "arnie", "amie", "\u0430\u043B\u0438\u0441\u0430",
                    "\u7530\u4E2D\u305F\u306A\u304B", "ad.min", "al..ice", "ab", "cafe\u0301", "\u0251lice", "paypa1");
            List<String> expected = inputs.stream().map(HandlePolicyTest::outcome).toList();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Boolean>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    tasks.add(() -> {
                        for (int round = 0; round < 300; round++) {
                            for (int i = 0; i < inputs.size(); i++) {
                                if (!expected.get(i).equals(outcome(inputs.get(i)))) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    });
                }
                for (Future<Boolean> f : pool.invokeAll(tasks)) {
                    assertTrue(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static String outcome(String input) {
        try {
            Handle h = POLICY.check(input);
            return "ok:" + h.normalized() + ":" + h.skeleton();
        } catch (InvalidHandle e) {
            return "refused:" + e.reason() + ":" + e.getMessage();
        }
    }
}
