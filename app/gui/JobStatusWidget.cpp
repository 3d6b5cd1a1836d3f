#include "app/gui/JobStatusWidget.h"

#include <QHBoxLayout>
#include <algorithm>

namespace rnnscope {

JobStatusWidget::JobStatusWidget(JobRunner& jobs, QWidget* parent) : QWidget(parent), jobs_(jobs) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    label_ = new QLabel(this);
    bar_ = new QProgressBar(this);
    bar_->setRange(0, 1000);
    bar_->setMaximumWidth(220);
    bar_->setTextVisible(false);
    cancel_ = new QToolButton(this);
    cancel_->setText(tr("Cancel"));
    cancel_->setToolTip(tr("Stop this job; what was open stays open (Esc in the status bar)"));
    layout->addWidget(label_);
    layout->addWidget(bar_);
    layout->addWidget(cancel_);
    setVisible(false);

    connect(cancel_, &QToolButton::clicked, this, [this]() {
        if (!entries_.empty()) jobs_.cancel(entries_.back().id);
    });
    connect(&jobs, &JobRunner::jobStarted, this, [this](JobId id, const QString& title) {
        entries_.push_back({id, title, -1.0, QString()});
        showNewest();
    });
    connect(&jobs, &JobRunner::jobProgress, this,
            [this](JobId id, double fraction, const QString& text) {
                for (auto& e : entries_)
                    if (e.id == id) {
                        e.fraction = fraction;
                        e.text = text;
                    }
                showNewest();
            });
    connect(&jobs, &JobRunner::jobFinished, this, [this](JobId id, bool, const QString&) {
        entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                      [id](const Entry& e) { return e.id == id; }),
                       entries_.end());
        showNewest();
    });
}

void JobStatusWidget::showNewest() {
    show(entries_.empty() ? nullptr : &entries_.back());
}

void JobStatusWidget::show(const Entry* entry) {
    setVisible(entry != nullptr);
    if (!entry) return;
    QString text = entry->text.isEmpty() ? entry->title : entry->text;
    if (entries_.size() > 1) text += tr(" (+%1 more)").arg(entries_.size() - 1);
    label_->setText(text);
    if (entry->fraction < 0) {
        bar_->setRange(0, 0);  // busy indicator until the job reports progress
    } else {
        bar_->setRange(0, 1000);
        bar_->setValue(int(entry->fraction * 1000));
    }
}

}  // namespace rnnscope
