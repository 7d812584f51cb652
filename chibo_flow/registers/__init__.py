"""Sổ văn bản đi / đến: the outgoing and incoming registers of an org, their periods and exports."""
