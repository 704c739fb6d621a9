package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.diffusion.internal.pipeline.PromptAttention.Piece;

/** AUTOMATIC1111's prompt weighting, on the examples its documentation (parse_prompt_attention's) gives, and BREAK. */
class PromptAttentionTest {

	private static Piece p(String text, double weight) {
		return new Piece(text, weight, false);
	}

	@Test
	void plainTextIsOnePieceOfWeightOne() {
		assertEquals(List.of(p("normal text", 1)), PromptAttention.parse("normal text"));
		assertEquals(List.of(p("", 1)), PromptAttention.parse(""));
	}

	@Test
	void roundBracketsMultiplyByOnePointOne() {
		assertEquals(List.of(p("an ", 1), p("important", 1.1), p(" word", 1)), PromptAttention.parse("an (important) word"));
	}

	@Test
	void anUnclosedBracketIsClosedAtTheEnd() {
		assertEquals(List.of(p("unbalanced", 1.1)), PromptAttention.parse("(unbalanced"));
	}

	@Test
	void escapedBracketsAreTheCharactersThemselves() {
		assertEquals(List.of(p("(literal]", 1)), PromptAttention.parse("\\(literal\\]"));
	}

	@Test
	void adjacentPiecesOfEqualWeightAreJoined() {
		assertEquals(List.of(p("unnecessaryparens", 1.1)), PromptAttention.parse("(unnecessary)(parens)"));
	}

	@Test
	void explicitWeightsNestingAndSquareBracketsMultiplyAsA1111Documents() {
		// A1111's own example, its weights to the last bit (1.5730000000000004 is 1.3 · 1.1 · 1.1 in doubles)
		assertEquals(List.of(p("a ", 1), p("house", 1.5730000000000004), p(" ", 1.1), p("on", 1), p(" a ", 1.1), p("hill", 0.55), p(", sun, ", 1.1),
				p("sky", 1.4641000000000006), p(".", 1.1)), PromptAttention.parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."));
	}

	@Test
	void breakSplitsTheTextAndABracketWithNothingToCloseIsText() {
		assertEquals(List.of(p("a cat", 1), new Piece("BREAK", 1, true), p("a dog) :2", 1)), PromptAttention.parse("a cat BREAK a dog) :2"));
		assertEquals(List.of(p("BREAKFAST", 1)), PromptAttention.parse("BREAKFAST"), "BREAK only as a word of its own");
	}
}
