// A policy that registers nothing.
var unused = 1;
