//! Page numbers and sizes for long lists, and the list envelope of the API.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Select};
use serde::{Deserialize, Serialize};

use crate::error::AppResult;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;

/// `?page=&per_page=` as sent by a browser or an API client; out-of-range values are clamped.
#[derive(Clone, Copy, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<u64>,
    /// Rows per page, at most 200.
    pub per_page: Option<u64>,
}

impl PageQuery {
    pub fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> u64 {
        self.per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE)
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
