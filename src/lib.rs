//! Chỉ đạo: conference conclusions turned into tracked tasks. See DESIGN.md for the words.

pub mod backup;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod models;
pub mod reports;
pub mod web;
