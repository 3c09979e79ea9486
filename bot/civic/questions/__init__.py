"""Citizens' questions as staff and the flows handle them: staff answers and the flows' port."""
