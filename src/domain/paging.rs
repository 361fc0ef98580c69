//! Page numbers and sizes for long lists, and the list envelope of the API.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Select};
use serde::{Deserialize, Serialize};

use crate::error::{AppResult, FieldErrors};

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;
/// Far beyond any list Toguna holds, and small enough that `(page - 1) × per_page` is a valid offset.
pub const MAX_PAGE: u64 = 1_000_000;

/// `?page=&per_page=` as sent by a browser or an API client.
///
/// Pages clamp out-of-range values (a link is never an error); the API refuses them with
/// [`PageQuery::check`], so a client learns that it did not get what it asked for.
#[derive(Clone, Copy, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn page(&self) -> u64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }

    pub fn per_page(&self) -> u64 {
        self.per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE)
    }

    /// The API's reading: a page or size out of range is an error on that field, not a quiet clamp.
    pub fn check(self) -> AppResult<PageQuery> {
        let mut errors = FieldErrors::new();
        if self.page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p)) {
            errors.add("page", "api.page_range");
        }
        if self.per_page.is_some_and(|n| !(1..=MAX_PER_PAGE).contains(&n)) {
            errors.add("per_page", "api.per_page_range");
        }
        errors.into_result(self)
    }
}

/// `{"items": [...], "total": N, "page": P, "per_page": K}` (DESIGN §5).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Paged<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

/// One page of a query's rows, as the API's list envelope.
pub async fn fetch_page<E, T>(db: &DatabaseConnection, select: Select<E>, paging: PageQuery) -> AppResult<Paged<T>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    T: From<E::Model>,
{
    let paginator = select.paginate(db, paging.per_page());
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(paging.page() - 1).await?;
    Ok(Paged {
        items: items.into_iter().map(T::from).collect(),
        total,
        page: paging.page(),
        per_page: paging.per_page(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_page_is_a_valid_offset_and_the_clamp_keeps_to_it() {
        let huge = PageQuery {
            page: Some(u64::MAX),
            per_page: Some(u64::MAX),
        };
        assert_eq!(huge.page(), MAX_PAGE);
        assert_eq!(huge.per_page(), MAX_PER_PAGE);
        assert!(i64::try_from((huge.page() - 1) * huge.per_page()).is_ok());
    }

    #[test]
    fn the_api_reading_names_each_field_out_of_range() {
        let errors = |page, per_page| match (PageQuery { page, per_page }).check() {
            Err(crate::error::AppError::Validation(errors)) => errors.0.into_keys().collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(errors(Some(0), Some(201)), ["page", "per_page"]);
        assert_eq!(errors(Some(MAX_PAGE + 1), None), ["page"]);
        assert!(errors(Some(MAX_PAGE), Some(MAX_PER_PAGE)).is_empty());
        assert!(errors(None, None).is_empty());
    }
}
