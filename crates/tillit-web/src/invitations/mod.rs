//! Taking an invitation to an organisation: the page its link opens, accepting it signed in, and
//! making an account with it.

pub mod pages;
