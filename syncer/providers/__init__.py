"""Vendor adapters. Vendor knowledge lives only below this package (and in `syncer.sandbox`)."""
