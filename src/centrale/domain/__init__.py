"""The registry's pure domain: value types and rules, standard library only, no I/O."""
