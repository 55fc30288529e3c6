"""The benchmark and the bare-SimPy replay it is measured against."""
