// comment
module "example.com/q" // c
