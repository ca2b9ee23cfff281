"""Source art and desktop metadata; installed as the package onproduct.resources."""
