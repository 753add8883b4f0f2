"""Map free text to taxonomy concepts.

How a query is answered (``Normaliser.lookup``):

1. Fold: casefold, strip diacritics (å/ä/ö -> a/a/o), split on punctuation; Snowball-stem
   each word in the label's language (``taxonomy.text``).
2. Strip the sentence frame: CV phrases before or after the skill ("I can", "experience in",
   "erfarenhet av", "(5 years)", "dagligen") weigh nothing; they are language, not taxonomy.
3. Shortlist labels: exact folded key, same bag of stems, the nearest labels by character
   trigram TF-IDF (``ngrams``), and when the best match stays weak, labels sharing a word or stem
   one edit away (``words``).
4. Score each shortlisted label by pairing label and query words one to one (same word,
   inflection, one typo, compound part) and weighing each word by its IDF over all labels:
   how much of the label the text covers, and how much of the text the label explains.
5. Return the best label per concept, distinct concepts, best first, score in [0, 1].

A Normaliser is read-only once built: share one between threads.
"""

from taxonomy.normalise.normaliser import Candidate, Normaliser

__all__ = ["Candidate", "Normaliser"]
