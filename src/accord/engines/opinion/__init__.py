"""Opinion groups, consensus and bridging at Pol.is scale: pure computation on vote matrices."""
