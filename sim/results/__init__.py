"""One run end to end (:func:`simulate`), its records and the outcomes computed from them."""
